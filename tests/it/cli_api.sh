#!/bin/sh
# The server commands of rampart against a stand-in of the API
# (tests/it/fake_api.py on loopback http): login with the password from
# a file and from standard input, the session file, lists paged through
# cursors, the server's errors as the user sees them, secrets shown once,
# and audit verify on chains hashed by src/lib/audit and then damaged
# (tests/it/audit_chain.c).  The end-to-end test against rampartd itself
# is tests/it's job once the server is there.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AUDIT_CHAIN:?RAMPART_AUDIT_CHAIN must name the audit_chain helper}"

R=$RAMPART_BIN
export RAMPART_CONFIG_DIR="$TMP/cfg"
unset RAMPART_SERVER RAMPART_TOKEN
"$RAMPART_AUDIT_CHAIN" intact >"$TMP/audit.json" || fail "audit_chain"
python3 "$(dirname "$0")/fake_api.py" "$TMP/port" "$TMP/requests.log" \
    "$TMP/audit.json" &
apid=$!
trap 'kill "$apid" 2>/dev/null; rm -rf "$TMP"' EXIT
# the port file appears (by rename) once the server listens
python3 - "$TMP/port" "$apid" <<'PY' || { fail "fake API did not start"; finish; }
import os, sys, time
for _ in range(3000):
    if os.path.exists(sys.argv[1]):
        sys.exit(0)
    try:
        os.kill(int(sys.argv[2]), 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.01)
sys.exit(1)
PY
PORT=$(cat "$TMP/port")
expect_exit 0 "server add" -- "$R" server add fake --url "http://127.0.0.1:$PORT"

# ---- login ----
printf 'wrong\n' >"$TMP/badpw"
expect_exit 1 "login with a wrong password" -- "$R" login --user alice \
    --password-file "$TMP/badpw" --totp 123456
expect_grep "$TMP/err" "^rampart: login_failed: wrong user, password or TOTP code$" \
    "login_failed as CODE: MESSAGE"
[ -e "$RAMPART_CONFIG_DIR/session-fake" ] && fail "failed login stored a session"
printf 'pw\n' >"$TMP/pw"
expect_exit 0 "login, password from a file" -- "$R" login --user alice \
    --password-file "$TMP/pw" --totp 123456
expect_grep "$TMP/out" "logged in to 'fake' as alice (msp-admin)" "login says who"
[ "$(stat -c %a "$RAMPART_CONFIG_DIR/session-fake")" = 600 ] || \
	fail "session file is not 0600"
grep -qx "sess_0123456789abcdef" "$RAMPART_CONFIG_DIR/session-fake" || \
	fail "the session cookie was not stored"
if grep -q '"pw"\|sess_0123' "$TMP/out" "$TMP/err"; then
	fail "login printed the password or the cookie"
fi
python3 - "$TMP/requests.log" <<'PY' || fail "login request body"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert r["path"] == "/api/v1/login" and r["ctype"] == "application/json", r
assert json.loads(r["body"]) == {"user": "alice", "password": "pw", "totp": "123456"}, r
PY
# standard input when it is not a terminal
expect_exit 0 "login, password on standard input" -- sh -c \
    "printf 'pw\n' | '$R' login --user alice --totp 123456"
expect_exit 0 "whoami with the session" -- "$R" whoami
expect_grep "$TMP/out" "^alice on 'fake'" "whoami: user and profile"
expect_grep "$TMP/out" "credential: *session" "whoami: the session is used"
expect_exit 0 "whoami --json" -- "$R" whoami --json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["kind"] == "session"' \
    "$TMP/out" || fail "whoami --json is not the server's JSON"

# ---- lists page through cursors ----
: >"$TMP/requests.log"
expect_exit 0 "tenant list" -- "$R" tenant list
for i in 1 2 3 4 5; do
	expect_grep "$TMP/out" "^t$i  *Tenant $i" "tenant list has t$i"
done
expect_exit 0 "tenant list --limit 2 --json" -- "$R" tenant list --limit 2 --json
python3 - "$TMP/out" "$TMP/requests.log" <<'PY' || fail "paging"
import json, sys
items = json.load(open(sys.argv[1]))
assert [t["slug"] for t in items] == ["t1", "t2"], items
reqs = [json.loads(l) for l in open(sys.argv[2])]
# the first list asked page after page (200 each) until next was null;
# with --limit 2 only 2 were asked for
assert reqs[0]["query"] == "limit=200", reqs[0]
assert reqs[-1]["query"] == "limit=2", reqs[-1]
PY
# a token, not the session, when one is given
expect_exit 0 "RAMPART_TOKEN is used" -- env RAMPART_TOKEN=rpt_good "$R" whoami
expect_grep "$TMP/out" "credential: *API token" "whoami: the token is used"
expect_exit 1 "a bad token" -- env RAMPART_TOKEN=rpt_bad "$R" whoami
expect_grep "$TMP/err" "^rampart: unauthorized: no credentials$" "unauthorized told"

# ---- errors and secrets ----
expect_exit 1 "tenant create taken" -- "$R" tenant create taken --name X
expect_grep "$TMP/err" "^rampart: conflict: slug: taken (at /slug)$" \
    "conflict as CODE: MESSAGE (at FIELD)"
expect_exit 0 "tenant create" -- "$R" tenant create acme --name "Acme Ltd"
expect_grep "$TMP/out" "name: *Acme Ltd" "tenant create prints the tenant"
expect_exit 0 "token create" -- "$R" token create ci --expires-days 30
expect_grep "$TMP/out" "shown once" "token secret marked as shown once"
expect_grep "$TMP/out" "secret: *rpt_shown_once_secret" "token secret printed"
python3 - "$TMP/requests.log" <<'PY' || fail "token create request"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert json.loads(r["body"]) == {"name": "ci", "expires_days": 30}, r
PY
printf '{"bad": true}' >"$TMP/bad.json"
expect_exit 1 "advisory import rejected" -- \
    "$R" advisory import "$TMP/bad.json" --tenant t1
expect_grep "$TMP/err" "^rampart: advisory_invalid: rejected (at /document/tracking/id)$" \
    "422 error line"
expect_grep "$TMP/err" "^  6.1.1 /document/tracking/id missing$" "422 detail 1"
expect_grep "$TMP/err" '^  6.1.8 /vulnerabilities/0/cve invalid \\x1b\[31mCVE$' \
    "422 detail 2, escape character escaped"
printf '{"document": {}}' >"$TMP/good.json"
expect_exit 0 "advisory import" -- \
    "$R" advisory import "$TMP/good.json" --tenant t1 --tenant t2
expect_grep "$TMP/out" "imported ACME-2026-001 (id adv_1, revision 1, tenants t1, t2)" \
    "import result"
python3 - "$TMP/requests.log" "$TMP/good.json" <<'PY' || fail "import request"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert r["path"] == "/api/v1/advisories" and r["query"] == "tenants=t1,t2", r
assert r["body"] == open(sys.argv[2]).read(), r
PY
expect_exit 2 "advisory import of a missing file" -- \
    "$R" advisory import "$TMP/nonexistent.json"
expect_grep "$TMP/err" "$TMP/nonexistent.json" "missing file named"

# ---- audit verify ----
expect_exit 0 "audit verify, intact" -- "$R" audit verify
expect_grep "$TMP/out" "^audit: 7 entries verified, chain intact$" "intact chain"
expect_exit 0 "audit list" -- "$R" audit list
expect_grep "$TMP/out" "^7  *2026-01-02T03:04:07.000Z  *user:alice" "audit list row"
for damage in "edit 3:entry 3 edited" "delete 3:entry 4 deleted" \
    "insert 5:entry 5 inserted" "truncate:entry 7 truncated"; do
	args=${damage%%:*}
	says=${damage#*:}
	# shellcheck disable=SC2086
	"$RAMPART_AUDIT_CHAIN" $args >"$TMP/audit.json" || fail "audit_chain $args"
	expect_exit 1 "audit verify, $args" -- "$R" audit verify
	expect_grep "$TMP/out" "^audit: $says" "audit verify names: $says"
done
"$RAMPART_AUDIT_CHAIN" edit 6 >"$TMP/audit.json"
expect_exit 1 "audit verify --json, edited" -- "$R" audit verify --json
python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
assert v["intact"] is False and v["problem"] == "edited" and v["seq"] == 6, v' \
    "$TMP/out" || fail "audit verify --json"

# ---- logout ----
expect_exit 0 "logout" -- "$R" logout
[ -e "$RAMPART_CONFIG_DIR/session-fake" ] && fail "logout left the session file"
expect_exit 1 "whoami after logout" -- "$R" whoami
expect_grep "$TMP/err" "not logged in" "after logout: not logged in"
finish
