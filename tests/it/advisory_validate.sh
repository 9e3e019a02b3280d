#!/bin/sh
# rampart advisory validate: 0 for the 3CX advisory, 1 for the broken one
# with the failed tests named by number and JSON pointer, 2 for a file that
# does not exist; advisory show prints the products and remediations.
. "$(dirname "$0")/lib.sh"

"$RAMPART_BIN" advisory validate "$D3CX/3cx-csaf.json" >"$TMP/out" 2>"$TMP/err"
expect_exit 0 "validate 3cx-csaf.json" -- \
    "$RAMPART_BIN" advisory validate "$D3CX/3cx-csaf.json"
expect_grep "$TMP/out" "valid CSAF 2.0 advisory RAMPART-3CX-2023-001" \
    "validate 3cx-csaf.json"

expect_exit 1 "validate broken-csaf.json" -- \
    "$RAMPART_BIN" advisory validate "$D3CX/broken-csaf.json"
expect_grep "$TMP/out" "broken-csaf.json: error: 6.1.6 .*(at /vulnerabilities/0/product_status" \
    "6.1.6 contradicting status with its pointer"
expect_grep "$TMP/out" "error: 6.1.1 " "6.1.1 undefined product ID"
expect_grep "$TMP/out" "error: 6.1.16 " "6.1.16 latest document version"
expect_grep "$TMP/out" "broken-csaf.json: invalid: " "per-file summary"

# Several files: the worst result decides.
expect_exit 1 "validate good and broken" -- "$RAMPART_BIN" advisory validate \
    "$D3CX/3cx-csaf.json" "$D3CX/broken-csaf.json"
expect_grep "$TMP/out" "3cx-csaf.json: valid" "good file still reported"

expect_exit 2 "validate a missing file" -- \
    "$RAMPART_BIN" advisory validate "$TMP/does-not-exist.json"

printf '{"document": {"csaf_version": "2.0",' >"$TMP/truncated.json"
expect_exit 1 "validate truncated JSON" -- \
    "$RAMPART_BIN" advisory validate "$TMP/truncated.json"
expect_grep "$TMP/out" "truncated.json:1:" "syntax error with line"

expect_exit 0 "show 3cx-csaf.json" -- \
    "$RAMPART_BIN" advisory show "$D3CX/3cx-csaf.json"
for s in "RAMPART-3CX-2023-001" "CVE-2023-29059" "known_affected:" \
    "CSAFPID-WIN-18.12.416" "on Apple macOS" "vers:generic/<18.12.407" \
    "remediation vendor_fix: Upgrade to 18.12.422" \
    "remediation workaround:" "known_not_affected:"; do
	expect_grep "$TMP/out" "$s" "advisory show"
done
finish
