# Helpers for tests that talk to a TLS server of their own (openssl
# s_server with a certificate the test made in $TMP/cert.pem and
# $TMP/key.pem): a free loopback port, waiting for the server, starting
# it.  Sourced after lib.sh; the caller kills the PIDs collected in
# $spids when it ends.

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_port PORT PID: polls until PORT accepts connections, as long as
# PID runs (no fixed sleep: each try is a connect()).
wait_port() {
	python3 - "$1" "$2" <<'PY' || fail "s_server on port $1 did not start"
import os, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
for _ in range(3000):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        sys.exit(0)
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)
        time.sleep(0.01)
sys.exit(1)
PY
}
# start_server NAME ARGS...: s_server on a free port ($port), its stdin a
# FIFO held open (at EOF on stdin it would stop), its output in
# $TMP/NAME.log, its PID in $spid and added to $spids.
start_server() {
	name=$1
	shift
	port=$(free_port)
	mkfifo "$TMP/$name.in"
	openssl s_server -accept "127.0.0.1:$port" -cert "$TMP/cert.pem" \
	    -key "$TMP/key.pem" "$@" <"$TMP/$name.in" >"$TMP/$name.log" 2>&1 &
	spid=$!
	spids="$spids $spid"
	# shellcheck disable=SC2094
	eval "exec 7>\"$TMP/$name.in\""
	wait_port "$port" "$spid"
}
