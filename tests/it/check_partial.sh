#!/bin/sh
# rampart check with some inputs that cannot be read: every host still
# gets its verdicts for the advisories that can be read, the broken ones
# are reported (file and error, in the table, on stderr and in --json), and
# the exit status says "some inputs could not be read" (4, or 5 with an
# affected host); with no advisory or no inventory left it is 2.  The OSV
# records are shaped after real Bitnami ones with a version both
# introduced and fixed: they import with a warning.
. "$(dirname "$0")/lib.sh"
OSV="$RAMPART_TEST_DATA/advisories/osv"
INV="$RAMPART_TEST_DATA/inventory/bitnami-hosts.native.json"
for f in "$OSV/BIT-moodle-shaped.json" "$OSV/BIT-jre-shaped.json" \
    "$OSV/broken-affected.json" "$OSV/not-a-record.json" \
    "$OSV/messy-versions.json" "$INV"; do
	[ -f "$f" ] || fail "$f is missing"
done
printf '{"id": "x",' >"$TMP/truncated.json"
printf '{"rampart_inventory": 1, "hosts": 3}' >"$TMP/bad.inventory.json"
cat >"$TMP/jre18.inventory.json" <<'JSON'
{"rampart_inventory": 1, "hosts": [
 {"name": "app-3", "software": [
   {"name": "jre", "version": "1.8.0", "scheme": "semver",
    "purl": "pkg:bitnami/jre@1.8.0"}]}]}
JSON

# check JSON-FILE PYTHON-ASSERTIONS: runs them with doc = the JSON output
# and v(host, advisory) = that result's verdict.
check() {
	python3 - "$1" "$2" <<'PY' || fail "$2"
import json, sys
doc = json.load(open(sys.argv[1]))
def v(host, adv):
    for h in doc["hosts"]:
        if h["name"] == host:
            got = [r["verdict"] for r in h["results"] if r["advisory"] == adv]
            assert len(got) == 1, (host, adv, got)
            return got[0]
    raise AssertionError("no host " + host)
exec(sys.argv[2])
PY
}

# good, broken, good (and a broken inventory among good ones): exit 4|1
expect_exit 5 "one broken advisory among good ones" -- \
    "$RAMPART_BIN" check --json --advisory "$OSV/BIT-moodle-shaped.json" \
    "$TMP/truncated.json" "$OSV/BIT-jre-shaped.json" \
    --inventory "$INV" "$TMP/bad.inventory.json"
check "$TMP/out" '
assert doc["summary"]["hosts"] == 2
assert [a["id"] for a in doc["advisories"]] == ["BIT-moodle-2099-0001", "BIT-jre-2099-0002"]
# 4.0.1 is fixed and introduced again: it stays affected
assert v("app-1", "BIT-moodle-2099-0001") == "affected"
assert v("app-2", "BIT-moodle-2099-0001") == "fixed"
# 1.8.0 to 1.8.0 is empty: not affected (at or above the 1.7.0 fix)
assert v("app-1", "BIT-jre-2099-0002") == "fixed"
assert v("app-2", "BIT-jre-2099-0002") == "affected"
u = doc["unreadable"]
assert [(x["input"], x["file"].split("/")[-1], x["error"]) for x in u] == [
    ("advisory", "truncated.json", "invalid input"),
    ("inventory", "bad.inventory.json", "invalid input")], u
assert u[1]["errors"][0]["pointer"] == "/hosts", u
'
expect_grep "$TMP/err" "truncated.json:1:11: error: not valid JSON" \
    "the broken advisory's error"
expect_grep "$TMP/err" \
    "advisory $TMP/truncated.json cannot be read: invalid input" \
    "the broken advisory is named"
expect_grep "$TMP/err" "bad.inventory.json: error: .*(at /hosts)" \
    "the broken inventory's error and pointer"

# the table names them too
expect_exit 5 "the same as a table" -- \
    "$RAMPART_BIN" check --advisory "$OSV/BIT-moodle-shaped.json" \
    "$TMP/truncated.json" "$OSV/BIT-jre-shaped.json" \
    --inventory "$INV" "$TMP/bad.inventory.json"
expect_grep "$TMP/out" "^2 hosts: 2 affected" "the summary"
expect_grep "$TMP/out" "^2 inputs could not be read" "the unread count"
expect_grep "$TMP/out" "^    advisory $TMP/truncated.json: invalid input" \
    "the unread advisory"
expect_grep "$TMP/out" "^    inventory $TMP/bad.inventory.json: invalid input" \
    "the unread inventory"

# nothing affected among what was read, something unread: 4
expect_exit 4 "not affected, one advisory unread" -- \
    "$RAMPART_BIN" check --json -a "$OSV/not-a-record.json" \
    "$OSV/BIT-jre-shaped.json" -i "$TMP/jre18.inventory.json"
check "$TMP/out" '
assert v("app-3", "BIT-jre-2099-0002") == "fixed"
assert doc["unreadable"][0]["errors"][0]["pointer"] == "/modified"
'

# an affected entry with an error is left out, the other entry is matched
expect_exit 1 "a record with one broken affected entry" -- \
    "$RAMPART_BIN" check --json --verbose -a "$OSV/broken-affected.json" \
    -i "$INV"
check "$TMP/out" '
assert doc["unreadable"] == []
assert v("app-2", "OSV-2099-0003") == "affected"
'
expect_grep "$TMP/err" "warning: affected entry left out.*(at /affected/0)" \
    "the left-out entry"

# a version that does not parse and an unknown ecosystem cost only their
# ranges: the hosts they could match get "unknown", the rest is decided
expect_exit 1 "a record with an unparsable version" -- \
    "$RAMPART_BIN" check --json -a "$OSV/messy-versions.json" -i "$INV"
check "$TMP/out" '
assert doc["unreadable"] == []
h1 = [r for h in doc["hosts"] if h["name"] == "app-1" for r in h["results"]]
assert {(r["software"]["name"], r["verdict"]) for r in h1} == {
    ("moodle", "unknown"), ("jre", "fixed")}, h1
assert [h["verdict"] for h in doc["hosts"] if h["name"] == "app-2"] == ["affected"]
'

# nothing left to check: 2, nothing on stdout
expect_exit 2 "every advisory broken" -- \
    "$RAMPART_BIN" check -a "$TMP/truncated.json" -i "$INV"
[ -s "$TMP/out" ] && fail "every advisory broken: something on stdout"
expect_grep "$TMP/err" "no advisory could be read; nothing checked" \
    "every advisory broken"
expect_exit 2 "every inventory broken" -- \
    "$RAMPART_BIN" check -a "$OSV/BIT-jre-shaped.json" \
    -i "$TMP/bad.inventory.json" "$TMP/missing.json"
expect_grep "$TMP/err" "no inventory could be read; nothing checked" \
    "every inventory broken"

# the warning of a degenerate range, with its pointer
expect_exit 0 "the jre record alone, verbose" -- \
    "$RAMPART_BIN" check --verbose -a "$OSV/BIT-jre-shaped.json" \
    -i "$TMP/jre18.inventory.json"
expect_grep "$TMP/err" \
    'warning: RNG:002 range is not distinct: "1.8.0" is both introduced and fixed, so the interval from 1.8.0 to 1.8.0 is empty and matches nothing.*(at /affected/0/ranges/0/events/3)' \
    "the degenerate range's warning"
finish
