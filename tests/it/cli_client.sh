#!/bin/sh
# The server commands of rampart without rampartd: their usage and
# argument errors, server profiles on disk, and the certificate pin
# against a real TLS server (openssl s_server with a self-signed ECDSA
# P-256 certificate on loopback): the right fingerprint connects, a
# wrong one is refused during the handshake, before the server sees a
# byte of the request.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "FAIL: openssl is not installed" >&2; exit 1; }

R=$RAMPART_BIN
export RAMPART_CONFIG_DIR="$TMP/cfg/rampart"
unset RAMPART_SERVER RAMPART_TOKEN
spids=""
trap 'for p in $spids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# ---- usage ----
expect_exit 0 "rampart --help" -- "$R" --help
cp "$TMP/out" "$TMP/help"
for c in server login logout whoami tenant user token audit; do
	expect_grep "$TMP/help" "^  $c " "rampart --help lists $c"
	expect_exit 0 "rampart $c --help" -- "$R" $c --help
	expect_grep "$TMP/out" "usage: rampart $c" "rampart $c --help"
done
for c in "tenant list" "tenant create" "user create" "user update" \
    "token create" "audit verify" "advisory import" \
    "advisory list" "advisory get" "advisory revisions"; do
	# shellcheck disable=SC2086
	expect_exit 0 "rampart $c --help" -- "$R" $c --help
	expect_grep "$TMP/out" "usage: rampart" "rampart $c --help"
	expect_grep "$TMP/out" "\-\-server NAME" "rampart $c --help: common options"
done
# the offline advisory commands are unchanged and say they are offline
expect_exit 0 "rampart advisory --help" -- "$R" advisory --help
expect_grep "$TMP/out" "rampart advisory validate FILE" "advisory --help: validate"
expect_grep "$TMP/out" "rampart advisory import FILE" "advisory --help: import"
expect_grep "$TMP/out" "Offline, on local files" "advisory --help: offline part"
expect_exit 0 "advisory validate still works offline" -- \
    "$R" advisory validate "$D3CX/3cx-csaf.json"

expect_exit 2 "tenant without subcommand" -- "$R" tenant
expect_exit 2 "tenant nonsense" -- "$R" tenant nonsense
expect_exit 2 "tenant create without --name" -- "$R" tenant create acme
expect_grep "$TMP/err" "\-\-name" "tenant create says --name"
expect_exit 2 "tenant list --bogus" -- "$R" tenant list --bogus
expect_grep "$TMP/err" "unknown option --bogus" "unknown option named"
expect_exit 2 "tenant list --limit 0" -- "$R" tenant list --limit 0
expect_exit 2 "tenant show --limit 3" -- "$R" tenant show acme --limit 3
expect_exit 2 "user create without --role" -- "$R" user create bob
expect_grep "$TMP/err" "\-\-role is required" "user create says --role"
expect_exit 2 "user update with nothing" -- "$R" user update bob
expect_exit 2 "user update --disable --enable" -- \
    "$R" user update bob --disable --enable
expect_exit 2 "token create without name" -- "$R" token create
expect_exit 2 "token create --expires-days x" -- \
    "$R" token create ci --expires-days x
expect_exit 2 "advisory import without file" -- "$R" advisory import
expect_exit 2 "advisory import of a missing file (before any server)" -- \
    "$R" advisory import "$TMP/nonexistent.json"
expect_grep "$TMP/err" "$TMP/nonexistent.json" "import: missing file named"
expect_exit 2 "advisory get --tenant" -- "$R" advisory get X --tenant a
expect_exit 2 "audit verify --limit" -- "$R" audit verify --limit 3
expect_exit 2 "login --totp 12" -- "$R" login --totp 12
expect_exit 2 "--server ../x" -- "$R" whoami --server ../x
expect_exit 2 "--server without value" -- "$R" whoami --server

# ---- profiles ----
expect_exit 2 "whoami with no profiles" -- "$R" whoami
expect_grep "$TMP/err" "no server chosen" "no profile: says so"
expect_exit 2 "server add http:// not loopback" -- \
    "$R" server add lan --url http://192.0.2.10:8080
expect_grep "$TMP/err" "only for a loopback host" "http refused: why"
expect_exit 2 "server add bad fingerprint" -- \
    "$R" server add lan --url https://192.0.2.10 --fingerprint AB:CD
expect_exit 2 "server add credentials in URL" -- \
    "$R" server add lan --url https://me:pw@192.0.2.10
expect_exit 2 "server add --server" -- \
    "$R" server add lan --url https://192.0.2.10 --server x
expect_exit 2 "server add bad name" -- \
    "$R" server add "a/b" --url https://192.0.2.10
[ -e "$RAMPART_CONFIG_DIR" ] && fail "refused adds created $RAMPART_CONFIG_DIR"
expect_exit 0 "server add dev" -- "$R" server add dev --url http://127.0.0.1:9
expect_grep "$TMP/out" "'dev' is the current server" "first profile is current"
expect_exit 0 "server add other" -- \
    "$R" server add other --url https://192.0.2.10:8443
expect_exit 1 "server add dev again" -- "$R" server add dev --url http://[::1]:9
mode() { stat -c %a "$1"; }
[ "$(mode "$RAMPART_CONFIG_DIR")" = 700 ] || \
	fail "config dir mode $(mode "$RAMPART_CONFIG_DIR"), expected 700"
[ "$(mode "$RAMPART_CONFIG_DIR/servers.json")" = 600 ] || \
	fail "servers.json mode $(mode "$RAMPART_CONFIG_DIR/servers.json")"
n=$(find "$RAMPART_CONFIG_DIR" -mindepth 1 | wc -l)
[ "$n" -eq 1 ] || fail "config dir holds $n entries (temporary files left?)"
expect_exit 0 "server list" -- "$R" server list
expect_grep "$TMP/out" '^\*  dev ' "server list marks dev current"
expect_exit 0 "server use other" -- "$R" server use other
expect_exit 0 "server list --json" -- "$R" server list --json
python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
assert [p["name"] for p in v if p["current"]] == ["other"], v' "$TMP/out" || \
	fail "server list --json: other is not current"
expect_exit 1 "server use nonexistent" -- "$R" server use nope
expect_exit 1 "whoami not logged in" -- "$R" whoami --server dev
expect_grep "$TMP/err" "not logged in to 'dev'" "whoami: not logged in"
RAMPART_SERVER=dev expect_exit 3 "RAMPART_SERVER picks dev (nothing on :9)" -- \
    env RAMPART_TOKEN=rpt_x "$R" whoami
expect_grep "$TMP/err" "cannot reach http://127.0.0.1:9" "unreachable: says where"
expect_exit 2 "--token-file missing" -- \
    "$R" whoami --server dev --token-file "$TMP/nonexistent"
expect_grep "$TMP/err" "$TMP/nonexistent" "missing token file named"
# an API token in a file: used, never echoed
printf 'rpt_secret_from_file\n' >"$TMP/token"
expect_exit 3 "--token-file" -- "$R" whoami --server dev --token-file "$TMP/token"
if grep -q rpt_secret_from_file "$TMP/out" "$TMP/err"; then
	fail "the token was printed"
fi
expect_exit 0 "server remove other" -- "$R" server remove other
expect_exit 1 "server remove other again" -- "$R" server remove other
# a broken or loose profile file is refused with its name
cp "$RAMPART_CONFIG_DIR/servers.json" "$TMP/servers.good"
printf '{"servers": [' >"$RAMPART_CONFIG_DIR/servers.json"
expect_exit 2 "server list with broken servers.json" -- "$R" server list
expect_grep "$TMP/err" "$RAMPART_CONFIG_DIR/servers.json: line 1" \
    "broken file named with its line"
cp "$TMP/servers.good" "$RAMPART_CONFIG_DIR/servers.json"
chmod 666 "$RAMPART_CONFIG_DIR/servers.json"
expect_exit 2 "whoami with a world-writable servers.json" -- "$R" whoami
expect_grep "$TMP/err" "mode 0666 lets others change it" "loose mode refused"
chmod 600 "$RAMPART_CONFIG_DIR/servers.json"
# where the profiles live without RAMPART_CONFIG_DIR
expect_exit 0 "XDG_CONFIG_HOME" -- env -u RAMPART_CONFIG_DIR \
    XDG_CONFIG_HOME="$TMP/xdg" "$R" server add x --url https://192.0.2.1
[ -f "$TMP/xdg/rampart/servers.json" ] || fail "not in \$XDG_CONFIG_HOME/rampart"
expect_exit 0 "HOME" -- env -u RAMPART_CONFIG_DIR -u XDG_CONFIG_HOME \
    HOME="$TMP/home" "$R" server add x --url https://192.0.2.1
[ -f "$TMP/home/.config/rampart/servers.json" ] || fail "not in ~/.config/rampart"

# ---- TLS and the pin ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
    -subj /CN=rampart-cli-test >/dev/null 2>&1 || fail "openssl req"
FP=$(openssl x509 -noout -fingerprint -sha256 -in "$TMP/cert.pem")
FPHEX=${FP#*=}
WRONG="AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB"

. "$(dirname "$0")/tls_lib.sh"

# 1. A web server (-www answers GET with an HTML status page).
start_server www -www
WWW=$port
expect_exit 0 "server add pinned" -- \
    "$R" server add www --url "https://127.0.0.1:$WWW" --fingerprint "$FP"
expect_exit 0 "server add pinned, lower case, no prefix" -- \
    "$R" server add wwwlc --url "https://localhost:$WWW" \
    --fingerprint "$(echo "$FPHEX" | tr A-F a-f)"
expect_exit 0 "server add with CA verification" -- \
    "$R" server add wwwca --url "https://127.0.0.1:$WWW"
for p in www wwwlc; do
	expect_exit 3 "right pin ($p): not the API" -- \
	    env RAMPART_TOKEN=rpt_x "$R" whoami --server $p
	expect_grep "$TMP/err" "answered HTTP 200 with text/html, not the Rampart API's JSON" \
	    "right pin ($p): the answer is reported as not JSON"
done
expect_exit 3 "no pin: a self-signed certificate is refused" -- \
    env RAMPART_TOKEN=rpt_x "$R" whoami --server wwwca
expect_grep "$TMP/err" "cannot reach https://127.0.0.1:$WWW: .*certificate" \
    "CA verification: says the certificate"

# 2. A raw TLS server that logs every byte it receives.
start_server raw
RAW=$port
expect_exit 0 "server add wrong pin" -- \
    "$R" server add wrong --url "https://127.0.0.1:$RAW" --fingerprint "$WRONG"
expect_exit 3 "wrong pin is refused" -- \
    env RAMPART_TOKEN=rpt_x "$R" whoami --server wrong
expect_grep "$TMP/err" \
    "certificate fingerprint mismatch: expected $WRONG got $FPHEX" \
    "wrong pin: mismatch message with both fingerprints"
# the refusal reached the server as an alert during the handshake...
expect_grep "$TMP/raw.log" "alert bad certificate" "the client refused in the handshake"
# ...and no request byte did
for w in "GET " "HTTP/1.1" "Authorization" "rpt_x" "/api/v1"; do
	if grep -q "$w" "$TMP/raw.log"; then
		fail "the server received '$w' although the pin did not match"
		sed 's/^/  | /' "$TMP/raw.log" >&2
	fi
done
# the same server does log a request when the pin matches (so the check
# above could see one); rampart then waits for an answer that never
# comes and is stopped once the request is in the log
expect_exit 0 "server add right pin (raw)" -- \
    "$R" server add raw --url "https://127.0.0.1:$RAW" --fingerprint "$FP"
RAMPART_TOKEN=rpt_x "$R" whoami --server raw >"$TMP/raw.out" 2>&1 &
cpid=$!
python3 - "$TMP/raw.log" "$cpid" <<'PY' || fail "right pin: no request reached the raw server"
import os, sys, time
log, pid = sys.argv[1], int(sys.argv[2])
for _ in range(3000):
    if b"GET /api/v1/me HTTP/1.1" in open(log, "rb").read():
        sys.exit(0)
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.01)
sys.exit(1)
PY
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
finish
