#!/bin/sh
# Server render time of the web UI's machine list and an advisory's
# affected-hosts page with HOSTS hosts (bench/web_bench.py), on SQLite and
# then on a private PostgreSQL (scripts/pg-test.sh).  The store is made by
# bench_findings (every host with an open finding of the 3CX advisory).
#
#   sh bench/web.sh [BUILD] [HOSTS] [REPEAT]
set -eu
BUILD=${1:-build}
HOSTS=${2:-10000}
REPEAT=${3:-200}
ADV=tests/data/3cx/3cx-csaf.json
BIN=$BUILD/bench/bench_findings
test -x "$BIN" || { echo "web.sh: build $BIN first" >&2; exit 2; }
export RAMPARTD_BIN=${RAMPARTD_BIN:-$BUILD/src/server/rampartd}
DIR=$(mktemp -d /tmp/rampart-web.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
chmod 755 "$DIR"
echo "# sqlite"
"$BIN" "$DIR/bench.db" "$ADV" "$HOSTS" 20 0 >/dev/null
# the http role runs as the service user
chown -R rampart "$DIR"
python3 bench/web_bench.py "sqlite:$DIR/bench.db" --repeat "$REPEAT"
echo "# postgresql"
# VACUUM ANALYZE after the bulk load: the state autovacuum keeps a
# running server in (visibility map for index-only scans, statistics)
sh scripts/pg-test.sh sh -c "\"$BIN\" \"\$RAMPART_TEST_DB\" $ADV $HOSTS 20 0 >/dev/null && psql -qAtX \"\$RAMPART_TEST_DB\" -c 'VACUUM ANALYZE' && python3 bench/web_bench.py \"\$RAMPART_TEST_DB\" --repeat $REPEAT"
