#!/bin/sh
# Runs one command against a private, throw-away PostgreSQL 15 server.
#
#   scripts/pg-test.sh CMD [ARGS...]
#
# Creates a cluster in a new temporary directory (initdb), starts it
# listening only on 127.0.0.1 at a free port (and on a Unix socket inside
# that directory), creates the database `rampart_test`, and runs CMD with
#
#   RAMPART_TEST_DB=postgresql://USER@127.0.0.1:PORT/rampart_test
#   RAMPART_PG_HOST=127.0.0.1 RAMPART_PG_PORT=PORT RAMPART_PG_USER=USER
#   RAMPART_PG_DB=rampart_test
#
# in the environment and in the caller's directory.  Loopback connections
# are trusted inside this private cluster (no password).  When CMD ends,
# the server is stopped (pg_ctl stop -m fast) and the directory removed;
# the script exits with CMD's exit status.
#
# PostgreSQL refuses to run as root: run as root, the server runs as
# `nobody` (setpriv), and USER is nobody; otherwise it runs as the
# calling user.  PGBIN names the server binaries' directory (default
# /usr/lib/postgresql/15/bin, Debian's postgresql-15).  Missing binaries
# are an error (exit 2), never a skip: a test that needs PostgreSQL must
# not pass without it.  The server's log is printed if it fails to start.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=rampart_test

die() {
	echo "pg-test: $*" >&2
	exit 2
}

[ $# -ge 1 ] || die "usage: scripts/pg-test.sh CMD [ARGS...]"
for b in initdb pg_ctl pg_isready createdb postgres; do
	[ -x "$PGBIN/$b" ] || die "PostgreSQL server binary $PGBIN/$b is" \
	    "missing: install postgresql-15 (scripts/setup-deps.sh) or set PGBIN"
done
command -v python3 >/dev/null 2>&1 || die "python3 is missing (picks a free port)"

if [ "$(id -u)" -eq 0 ]; then
	PGUSER_NAME=nobody
	command -v setpriv >/dev/null 2>&1 || die "setpriv is missing (util-linux)"
	as_pg() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	}
else
	PGUSER_NAME=$(id -un)
	as_pg() {
		"$@"
	}
fi

# /tmp, not $TMPDIR: the server's user must reach it, and the socket's
# path must stay short.
TMP=$(mktemp -d /tmp/rampart-pg.XXXXXX) || die "cannot create a temporary directory"
mkdir "$TMP/sock" || die "cannot create $TMP/sock"
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$TMP"
STARTED=0

cleanup() {
	if [ "$STARTED" -eq 1 ]; then
		(cd "$TMP" && as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -m fast -w \
		    stop >/dev/null 2>&1) || echo "pg-test: pg_ctl stop failed" >&2
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(cd "$TMP" && as_pg "$PGBIN/initdb" -D "$TMP/data" -U "$PGUSER_NAME" \
    --auth=trust --encoding=UTF8 --no-locale --no-sync \
    >"$TMP/initdb.log" 2>&1) || {
	cat "$TMP/initdb.log" >&2
	die "initdb failed"
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# A port found free can be taken before the server binds it: try again
# with another one then.
tries=0
while :; do
	PORT=$(free_port) || die "cannot find a free port"
	if (cd "$TMP" && as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" \
	    -w -t 120 -o "-c listen_addresses=127.0.0.1 -p $PORT \
	    -c unix_socket_directories=$TMP/sock" start >/dev/null 2>&1); then
		STARTED=1
		break
	fi
	tries=$((tries + 1))
	if [ $tries -ge 5 ]; then
		cat "$TMP/server.log" >&2
		die "the server did not start"
	fi
done
# pg_ctl -w waited for it; confirm it answers on the address tests use.
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 60 || {
	cat "$TMP/server.log" >&2
	die "the server does not answer on 127.0.0.1:$PORT"
}
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" "$DB" ||
	die "createdb failed"

export RAMPART_TEST_DB="postgresql://$PGUSER_NAME@127.0.0.1:$PORT/$DB"
export RAMPART_PG_HOST=127.0.0.1 RAMPART_PG_PORT="$PORT"
export RAMPART_PG_USER="$PGUSER_NAME" RAMPART_PG_DB="$DB"

"$@"
rc=$?
exit $rc
