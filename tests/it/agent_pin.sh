#!/bin/sh
# rampart-agent enroll and heartbeat without rampartd: their usage and
# local refusals (URL, token, state directory, enrolling twice), and the
# certificate pin against a real TLS server (openssl s_server with a
# self-signed ECDSA P-256 certificate on loopback, and Python's
# http.server with it): with the token's fingerprint the agent connects
# and reports an answer that is not the API's; with another fingerprint
# it is refused in the handshake, before the server sees a byte of the
# request (the token's secret included).
# The same for a signed heartbeat, whose request is then read from the
# server's log.  The agent against a real rampartd: tests/it/agent_enroll.py.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "FAIL: openssl is not installed" >&2; exit 1; }

A=${RAMPART_AGENT:?RAMPART_AGENT must name rampart-agent}
spids=""
trap 'for p in $spids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
    -subj /CN=rampart-agent-test >/dev/null 2>&1 || fail "openssl req"
FP=$(openssl x509 -noout -fingerprint -sha256 -in "$TMP/cert.pem")
FPHEX=${FP#*=}
# the token's form: 64 lower-case hex digits
fp=$(echo "$FPHEX" | tr -d : | tr A-F a-f)
wrong=$(printf 'ab%.0s' $(seq 32))
SECRET=Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9
TOKEN="rpe1.$fp.$SECRET"
WTOKEN="rpe1.$wrong.$SECRET"
[ ${#SECRET} -eq 43 ] || fail "test secret is not 43 characters"

# ---- usage and local refusals ----
expect_exit 0 "rampart-agent --help" -- "$A" --help
expect_grep "$TMP/out" "^  enroll " "--help lists enroll"
expect_grep "$TMP/out" "^  heartbeat " "--help lists heartbeat"
for c in enroll heartbeat; do
	expect_exit 0 "$c --help" -- "$A" $c --help
	expect_grep "$TMP/out" "usage: rampart-agent $c" "$c --help: usage"
	expect_grep "$TMP/out" "Exit status" "$c --help: exit status"
done
expect_exit 2 "enroll without arguments" -- "$A" enroll
expect_exit 2 "enroll with one argument" -- "$A" enroll https://127.0.0.1:9
expect_exit 2 "enroll --force does not exist" -- \
    "$A" enroll https://127.0.0.1:9 "$TOKEN" --force --state "$TMP/s0"
expect_exit 2 "enroll over http" -- \
    "$A" enroll http://127.0.0.1:9 "$TOKEN" --state "$TMP/s0"
expect_grep "$TMP/err" "expected an https:// URL" "http: says https"
expect_exit 2 "enroll with a malformed token" -- \
    "$A" enroll https://127.0.0.1:9 "rpe1.$fp.short" --state "$TMP/s0"
expect_grep "$TMP/err" "not an enrolment token" "bad token: says so"
[ -e "$TMP/s0" ] && fail "refused enrolments created the state directory"
mkdir -m 0777 "$TMP/loose" && chmod 0777 "$TMP/loose"
expect_exit 2 "enroll into a world-writable directory" -- \
    "$A" enroll https://127.0.0.1:9 "$TOKEN" --state "$TMP/loose"
expect_grep "$TMP/err" "mode 0777 lets others change" "loose dir: says why"
[ -e "$TMP/loose/identity.key" ] && fail "a key was made in a loose directory"
expect_exit 2 "heartbeat not enrolled" -- "$A" heartbeat --state "$TMP/loose2"
expect_exit 2 "heartbeat with an argument" -- "$A" heartbeat extra
expect_exit 2 "heartbeat --hostname ''" -- "$A" heartbeat --hostname ''
expect_exit 2 "enroll --hostname ''" -- \
    "$A" enroll https://127.0.0.1:9 "$TOKEN" --hostname '' --state "$TMP/s0"
[ -e "$TMP/s0" ] && fail "a refused --hostname created the state directory"
expect_exit 3 "enroll, nothing listening" -- \
    "$A" enroll https://127.0.0.1:9 "$TOKEN" --state "$TMP/s1"
expect_grep "$TMP/err" "cannot reach https://127.0.0.1:9" "unreachable: says where"
mode() { stat -c %a "$1"; }
[ "$(mode "$TMP/s1")" = 700 ] || fail "state dir mode $(mode "$TMP/s1")"
[ "$(mode "$TMP/s1/identity.key")" = 600 ] || \
	fail "identity.key mode $(mode "$TMP/s1/identity.key")"
[ -e "$TMP/s1/agent.json" ] && fail "agent.json written without enrolment"
cp "$TMP/s1/identity.key" "$TMP/key1"
expect_exit 2 "heartbeat before enrolment" -- "$A" heartbeat --state "$TMP/s1"
expect_grep "$TMP/err" "not enrolled" "heartbeat: not enrolled"

# An enrolled directory, made by hand (the server's part is
# agent_enroll.py): refused for a second enrolment, untouched.
ID=abcdefghijklmnopqrstuvwxyz
enrolled() { # DIR FINGERPRINT PORT
	mkdir -m 0700 "$1"
	cp "$TMP/key1" "$1/identity.key"
	chmod 600 "$1/identity.key"
	printf '{"server": "https://127.0.0.1:%s", "fingerprint": "%s", "agent_id": "%s", "tenant": "acme"}\n' \
	    "$3" "$2" "$ID" >"$1/agent.json"
	chmod 644 "$1/agent.json"
}
enrolled "$TMP/done" "$fp" 9
cp "$TMP/done/agent.json" "$TMP/agent.json.before"
expect_exit 2 "enrolling twice" -- \
    "$A" enroll https://127.0.0.1:9 "$TOKEN" --state "$TMP/done"
expect_grep "$TMP/err" "is already enrolled (agent $ID of tenant acme" \
    "enrolling twice: says as what"
expect_grep "$TMP/err" "An agent enrols once" "enrolling twice: says why"
cmp -s "$TMP/done/agent.json" "$TMP/agent.json.before" || \
	fail "agent.json changed by a refused enrolment"
cmp -s "$TMP/done/identity.key" "$TMP/key1" || \
	fail "identity.key changed by a refused enrolment"

# ---- TLS and the pin ----
. "$(dirname "$0")/tls_lib.sh"
# wait_log LOG PID TEXT: until TEXT is in LOG, as long as PID runs.
wait_log() {
	python3 - "$1" "$2" "$3" <<'PY'
import os, sys, time
log, pid, text = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
for _ in range(3000):
    if text in open(log, "rb").read():
        sys.exit(0)
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.01)
sys.exit(1)
PY
}

# 1. A web server (Python's http.server over TLS with the same
# certificate; it answers POST with 501 and an HTML page, as a web
# server that is not Rampart would): the token's fingerprint connects;
# the answer is not the API's and is reported so (exit 3), nothing
# recorded.  (openssl s_server -www answers GET only.)
WWW=$(free_port)
mkdir "$TMP/www"
python3 - "$WWW" "$TMP/cert.pem" "$TMP/key.pem" "$TMP/www" \
    >"$TMP/www.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
srv = http.server.HTTPServer(("127.0.0.1", port), h)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
wpid=$!
spids="$spids $wpid"
wait_port "$WWW" "$wpid"
expect_exit 3 "right pin: not the API" -- \
    "$A" enroll "https://127.0.0.1:$WWW" "$TOKEN" --state "$TMP/s2"
expect_grep "$TMP/err" \
    "https://127.0.0.1:$WWW/api/v1/agents/enroll answered HTTP 501 with text/html, not the Rampart API's JSON" \
    "right pin: the answer is reported as not JSON"
[ -e "$TMP/s2/agent.json" ] && fail "agent.json written for a non-API answer"
if grep -q "$SECRET" "$TMP/out" "$TMP/err"; then
	fail "the token's secret was printed"
fi
# the token may come on standard input instead of the command line
echo "$TOKEN" >"$TMP/token"
expect_exit 3 "token from stdin" -- \
    sh -c '"$1" enroll "$2" - --state "$3" <"$4"' sh "$A" \
    "https://127.0.0.1:$WWW" "$TMP/s2" "$TMP/token"
expect_grep "$TMP/err" "not the Rampart API's JSON" "token from stdin: sent"

# 2. A raw TLS server that logs every byte it receives.
start_server raw
RAW=$port
expect_exit 3 "wrong pin is refused" -- \
    "$A" enroll "https://127.0.0.1:$RAW" "$WTOKEN" --state "$TMP/s3"
WANT=$(echo "$wrong" | tr a-f A-F | sed 's/../&:/g; s/:$//')
expect_grep "$TMP/err" \
    "certificate fingerprint mismatch: expected $WANT got $FPHEX" \
    "wrong pin: mismatch message with both fingerprints"
expect_grep "$TMP/raw.log" "alert bad certificate" "the agent refused in the handshake"
# a signed heartbeat to the same server under a wrong pin
enrolled "$TMP/hbw" "$wrong" "$RAW"
expect_exit 3 "heartbeat, wrong pin" -- "$A" heartbeat --state "$TMP/hbw"
expect_grep "$TMP/err" "certificate fingerprint mismatch" "heartbeat: mismatch"
for w in "POST " "HTTP/1.1" "/api/v1" "$SECRET" "Rampart-Agent" "public_key"; do
	if grep -q "$w" "$TMP/raw.log"; then
		fail "the server received '$w' although the pin did not match"
		sed 's/^/  | /' "$TMP/raw.log" >&2
	fi
done
# the same server does log a request when the pin matches (so the check
# above could see one); the agent then waits for an answer that never
# comes and is stopped once the request is in the log
"$A" enroll "https://127.0.0.1:$RAW" "$TOKEN" --state "$TMP/s4" \
    >"$TMP/raw.out" 2>&1 &
cpid=$!
wait_log "$TMP/raw.log" "$cpid" "POST /api/v1/agents/enroll HTTP/1.1" || \
	fail "right pin: no enrolment request reached the raw server"
wait_log "$TMP/raw.log" "$cpid" "\"public_key\"" || \
	fail "right pin: the enrolment request has no public key"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
enrolled "$TMP/hbr" "$fp" "$RAW"
"$A" heartbeat --state "$TMP/hbr" >"$TMP/raw.out" 2>&1 &
cpid=$!
wait_log "$TMP/raw.log" "$cpid" "Authorization: Rampart-Agent id=$ID,ts=" || \
	fail "right pin: no signed heartbeat reached the raw server"
wait_log "$TMP/raw.log" "$cpid" "\"agent_version\"" || \
	fail "right pin: the heartbeat has no body"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
grep -q "POST /api/v1/agent/heartbeat HTTP/1.1" "$TMP/raw.log" || \
	fail "the heartbeat's request line is not POST /api/v1/agent/heartbeat"
finish
