#!/bin/sh
# Hostile strings in advisories and inventories: terminal escapes never
# reach the terminal, a very long name does not break a check, and JSON
# output stays valid.
. "$(dirname "$0")/lib.sh"
need_versions

ESC=$(printf '\033')
long=$(python3 -c 'print("A" * 20000)')
cat >"$TMP/evil.inventory.json" <<JSON
{"rampart_inventory": 1, "hosts": [
 {"name": "evil\u001b]0;owned\u0007\u009b2J", "os": "Windows",
  "software": [
   {"name": "3CX Desktop App\u001b[31m", "version": "18.12.416.0",
    "source": "windows_registry"},
   {"name": "3CX Desktop App", "vendor": "3CX Ltd",
    "version": "18.12.416.0", "source": "windows_registry"},
   {"name": "$long", "version": "1.0", "source": "windows_registry"}]}
]}
JSON
expect_exit 1 "check with hostile inventory" -- "$RAMPART_BIN" check \
    -a "$D3CX/3cx-csaf.json" -i "$TMP/evil.inventory.json"
skip_unless_built
if grep -q "$ESC" "$TMP/out"; then
	fail "an escape character reached the table"
fi
if LC_ALL=C grep -q "$(printf '\302\233')" "$TMP/out"; then
	fail "a C1 control (CSI) reached the table"
fi
expect_grep "$TMP/out" "^evil?]0;owned??2J" "host name shown, controls as ?"
expect_grep "$TMP/out" "AFFECTED" "the real 3CX entry still matched"

expect_exit 1 "check --json with hostile inventory" -- "$RAMPART_BIN" check \
    --json -a "$D3CX/3cx-csaf.json" -i "$TMP/evil.inventory.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [r["software"]["name"] for r in d["hosts"][0]["results"] if r["software"]]
assert "3CX Desktop App" in names, names
' "$TMP/out" || fail "JSON output with hostile strings"

python3 - "$D3CX/3cx-csaf.json" "$TMP/evil-csaf.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["document"]["title"] = "Evil \u001b[2J\u001b]8;;http://x\u0007title"
d["vulnerabilities"][0]["remediations"][0]["details"] = "x" * 5000 + "\u00e9" * 500
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 0 "advisory show with escapes" -- \
    "$RAMPART_BIN" advisory show "$TMP/evil-csaf.json"
if grep -q "$ESC" "$TMP/out"; then
	fail "an escape character reached advisory show"
fi
expect_grep "$TMP/out" "Evil ?\[2J" "title shown, controls as ?"
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
