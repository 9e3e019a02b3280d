#!/bin/sh
# Hostile strings in advisories and inventories: terminal escapes never
# reach the terminal, a very long name does not break a check, and JSON
# output stays valid.
. "$(dirname "$0")/lib.sh"

ESC=$(printf '\033')
CSI=$(printf '\302\233')

# no_controls FILE WHAT: neither ESC nor the C1 CSI reached the output.
no_controls() {
	if LC_ALL=C grep -q -e "$ESC" -e "$CSI" "$1"; then
		fail "$2: a control character reached the terminal"
	fi
}

# The inventory readers refuse control characters in names; either way
# nothing of them may reach the terminal, errors included.
cat >"$TMP/evil.inventory.json" <<'JSON'
{"rampart_inventory": 1, "hosts": [
 {"name": "evil\u001b]0;owned\u0007\u009b2J", "os": "Windows",
  "software": [
   {"name": "3CX Desktop App\u001b[31m\u009b", "version": "18.12.416.0",
    "source": "windows_registry"}]},
 {"name": "ws-ok", "os": "Windows",
  "software": [
   {"name": "3CX Desktop App", "vendor": "3CX Ltd",
    "version": "18.12.416.0", "source": "windows_registry"}]}
]}
JSON
"$RAMPART_BIN" check -a "$D3CX/3cx-csaf.json" -i "$TMP/evil.inventory.json" \
    >"$TMP/out" 2>"$TMP/err"
no_controls "$TMP/out" "check with hostile inventory (stdout)"
no_controls "$TMP/err" "check with hostile inventory (stderr)"
expect_grep "$TMP/out" "^ws-ok .*AFFECTED" "the ordinary host still checked"

python3 - "$D3CX/3cx-csaf.json" "$TMP/evil-csaf.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["document"]["title"] = "Evil \u001b[2J\u001b]8;;http://x\u0007title"
d["vulnerabilities"][0]["remediations"][0]["details"] = "x" * 5000 + "\u00e9" * 500
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 0 "advisory show with escapes" -- \
    "$RAMPART_BIN" advisory show "$TMP/evil-csaf.json"
no_controls "$TMP/out" "advisory show"
expect_grep "$TMP/out" "Evil \\\\x1b\\[2J" "title shown, controls escaped"
expect_exit 1 "check --json with a very long remediation" -- \
    "$RAMPART_BIN" check --json -a "$TMP/evil-csaf.json" \
    -i "$D3CX/ws-acct-01.inventory.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["hosts"][0]["results"] if r["software"]][0]
assert r["remediation"] and r["remediation"].count("...") >= 1, r["remediation"]
' "$TMP/out" || fail "long remediation cut, JSON still valid"
finish
