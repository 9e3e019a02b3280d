#!/bin/sh
# The findings engine at MSP scale (bench/bench_findings.c): HOSTS hosts
# of PACKAGES generated packages each plus the 3CX Desktop App, then the
# 3CX CSAF advisory imported (every finding computed and stored, timed)
# and DELTAS hosts upgraded one by one (each delta timed), on SQLite and
# then on a private PostgreSQL (scripts/pg-test.sh).
#
#   sh bench/findings.sh [BUILD] [HOSTS] [PACKAGES] [DELTAS]
set -eu
BUILD=${1:-build}
HOSTS=${2:-10000}
PKGS=${3:-1000}
DELTAS=${4:-200}
ADV=tests/data/3cx/3cx-csaf.json
BIN=$BUILD/bench/bench_findings
test -x "$BIN" || { echo "findings.sh: build $BIN first" >&2; exit 2; }
DIR=$(mktemp -d /tmp/rampart-findings.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
echo "# sqlite"
"$BIN" "$DIR/bench.db" "$ADV" "$HOSTS" "$PKGS" "$DELTAS"
rm -f "$DIR"/bench.db*
echo "# postgresql"
sh scripts/pg-test.sh sh -c "\"$BIN\" \"\$RAMPART_TEST_DB\" $ADV $HOSTS $PKGS $DELTAS"
