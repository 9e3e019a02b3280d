#!/bin/sh
# rampart check on the 3CX case: the five hosts get the five verdicts, each
# with a reason naming advisory, product ID and rule, and a remediation
# where one applies; native and CycloneDX inventories give the same answer.
. "$(dirname "$0")/lib.sh"

ADV="$D3CX/3cx-csaf.json"
ASSERT="$(dirname "$0")/assert_3cx.py"

expect_exit 1 "check --json (native inventories)" -- "$RAMPART_BIN" check \
    --json --advisory "$ADV" --inventory "$D3CX"/*.inventory.json
python3 "$ASSERT" "$TMP/out" || fail "native inventories: verdicts"

expect_exit 1 "check --json (CycloneDX inventories)" -- "$RAMPART_BIN" check \
    --json --advisory "$ADV" --inventory "$D3CX"/*.cdx.json
python3 "$ASSERT" "$TMP/out" || fail "CycloneDX inventories: verdicts"

# The native advisory of the same case (docs/advisory-native.md) lists
# fewer products but must give the same five verdicts.
NATIVE="$RAMPART_TEST_DATA/advisories/3cx-native.json"
[ -f "$NATIVE" ] || fail "missing test data: $NATIVE"
expect_exit 1 "check --json (native advisory)" -- "$RAMPART_BIN" check \
    --json --advisory "$NATIVE" --inventory "$D3CX"/*.inventory.json
python3 "$ASSERT" "$TMP/out" MSP-2023-0001 ||
    fail "native advisory: verdicts"

# The table for people: one block per host and advisory.
expect_exit 1 "check (table)" -- "$RAMPART_BIN" check -a "$ADV" \
    -i "$D3CX"/*.inventory.json
expect_grep "$TMP/out" "^ws-acct-01 .*AFFECTED .*RAMPART-3CX-2023-001" "table"
expect_grep "$TMP/out" "^pbx-01 .*3cxpbx .*not affected" "table"
expect_grep "$TMP/out" "remediation: Upgrade to 18.12.422 or later" "table"
expect_grep "$TMP/out" "5 hosts: 2 affected, 0 under investigation, 0 unknown, 1 fixed, 2 not affected" \
    "table summary"

# Nothing affected: exit 0.
expect_exit 0 "check hosts that are not affected" -- "$RAMPART_BIN" check \
    -a "$ADV" -i "$D3CX/pbx-01.inventory.json" \
    "$D3CX/ws-reception-03.inventory.json"

# A user alias makes a renamed package match.
sed 's/"3CX Desktop App"/"Softphone (repackaged)"/' \
    "$D3CX/ws-acct-01.inventory.json" >"$TMP/renamed.inventory.json"
expect_exit 0 "renamed package without alias" -- "$RAMPART_BIN" check \
    -a "$ADV" -i "$TMP/renamed.inventory.json"
expect_exit 1 "renamed package with --alias" -- "$RAMPART_BIN" check \
    --alias "Softphone (repackaged)=3CX Desktop App" -a "$ADV" \
    -i "$TMP/renamed.inventory.json"

# Input errors exit 2 and name the file (and the JSON pointer).
printf '{"rampart_inventory": 1, "hosts": [' >"$TMP/bad.inventory.json"
expect_exit 2 "truncated inventory" -- "$RAMPART_BIN" check -a "$ADV" \
    -i "$TMP/bad.inventory.json"
expect_grep "$TMP/err" "bad.inventory.json:1:" "inventory syntax error"
expect_exit 2 "broken advisory" -- "$RAMPART_BIN" check \
    -a "$TMP/missing.json" -i "$D3CX/pbx-01.inventory.json"
expect_grep "$TMP/err" "missing.json: error: cannot open: No such file" \
    "missing advisory named"
expect_grep "$TMP/err" "advisory .*missing.json cannot be read: not found" \
    "missing advisory is not found, not invalid"
expect_exit 2 "missing inventory" -- "$RAMPART_BIN" check -a "$ADV" \
    -i "$TMP/missing.inventory.json"
expect_grep "$TMP/err" \
    "missing.inventory.json: error: cannot open: No such file" \
    "missing inventory named"
expect_grep "$TMP/err" "inventory .*missing.inventory.json cannot be read: not found" \
    "missing inventory is not found, not invalid"
printf '{"rampart_inventory": 1, "hosts": 5}\n' >"$TMP/shape.inventory.json"
expect_exit 2 "inventory of the wrong shape" -- "$RAMPART_BIN" check \
    -a "$ADV" -i "$TMP/shape.inventory.json"
expect_grep "$TMP/err" "shape.inventory.json: error: .*(at /hosts)" \
    "inventory error with pointer"
finish
