#!/bin/sh
# rampart bundle: a bundle built from the 3CX advisories, the real Sophos
# and Volexity indicator lists and the Volexity YARA rules has exactly the
# indicators those sources hold (counted independently with python3);
# broken YARA fails naming file and line; hostile bundles are refused with
# the JSON pointer of the problem.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_SHARED_DATA:?RAMPART_SHARED_DATA must name the shared data}"
S="$RAMPART_SHARED_DATA/3cx"
SOPHOS="$S/sophos-3CX-IoCs-2023-03.csv"
VX="$S/volexity-iocs.csv"
YAR="$S/volexity-rules.yar"
NATIVE="$RAMPART_TEST_DATA/advisories/3cx-native.json"

expect_exit 0 "bundle --help" -- "$RAMPART_BIN" bundle --help
expect_grep "$TMP/out" "usage: rampart bundle" "bundle --help"
expect_exit 2 "bundle with no input" -- "$RAMPART_BIN" bundle
expect_exit 2 "bundle with a bare file" -- "$RAMPART_BIN" bundle "$VX"
expect_exit 2 "bundle of a missing list" -- \
    "$RAMPART_BIN" bundle --indicators "$TMP/missing.csv"

# The full 3CX bundle: CSAF + native advisory, both lists, the rules.
expect_exit 0 "bundle 3CX" -- "$RAMPART_BIN" bundle \
    --advisory "$D3CX/3cx-csaf.json" "$NATIVE" \
    --indicators "$SOPHOS" "$VX" --yara "$YAR" -o "$TMP/3cx.bundle.json"
expect_grep "$TMP/err" "bundle: 2 advisories" "3CX summary"
[ -s "$TMP/out" ] && fail "bundle -o wrote to stdout"

# Expected content computed here from the sources, independently of the
# C readers: type names, defanging and the "file" triples by hand.
python3 - "$TMP/3cx.bundle.json" "$SOPHOS" "$VX" "$NATIVE" "$D3CX/3cx-csaf.json" "$YAR" <<'PY' || fail "3CX bundle content"
import csv, json, sys
bundle, sophos, vx, native, csaf, yar = sys.argv[1:]
b = json.load(open(bundle))
want = set()
def refang(v):
    for a, z in (("[.]", "."), ("[:]", ":"), ("hxxp", "http")):
        v = v.replace(a, z)
    return v.strip().replace("\u200e", "")
for row in csv.DictReader(open(sophos, encoding="utf-8-sig")):
    t, v = row["Indicator"].lower(), refang(row["Data"])
    if t == "description":
        continue
    if t == "url" and "/" not in v:
        t = "domain"
    want.add((t, v.lower() if t != "url" else v))
for row in csv.DictReader(open(vx)):
    if row["entity_type"] == "hostname":
        want.add(("domain", row["value"]))
    elif row["entity_type"] == "file":
        for h in row["value"].split(","):
            want.add(({64: "sha256", 40: "sha1", 32: "md5"}[len(h)], h))
adv = json.load(open(native))
for i in adv["indicators"]:
    if i["type"] != "yara":
        want.add((i["type"], i["value"]))
got = [(i["type"], i["value"]) for i in b["indicators"]]
assert len(got) == len(set(got)), "duplicates in the bundle"
assert set(got) == want, (set(got) ^ want)
counts = {}
for t, _ in got:
    counts[t] = counts.get(t, 0) + 1
assert counts == {"sha256": 10, "sha1": 6, "md5": 6, "domain": 23,
                  "url": 2}, counts
assert b["rampart_bundle"] == 1
assert b["advisories"] == [json.load(open(csaf))["document"]["tracking"]["id"],
                           adv["id"]], b["advisories"]
names = [y["name"] for y in b["yara"]]
assert len(b["yara"]) == 7 and names[-1] == "volexity-rules.yar", names
assert b["yara"][-1]["text"] == open(yar).read()
# the native advisory already holds every Volexity indicator, and what
# comes first is kept: Sophos adds only its scheme-less URL
src = {i["source"] for i in b["indicators"]}
assert src == {adv["id"], "sophos-3CX-IoCs-2023-03.csv"}, src
PY

# The bundle reads back; --check counts the compiled rules.
expect_exit 0 "bundle --check" -- "$RAMPART_BIN" bundle --check "$TMP/3cx.bundle.json"
expect_grep "$TMP/out" "7 YARA sources (12 rules)" "check counts rules"
expect_grep "$TMP/out" "^  sha256    10$" "check sha256 count"
expect_grep "$TMP/out" "^  domain    23$" "check domain count"

# Lists alone, to stdout; the emailwhois rows are warnings.
expect_exit 0 "bundle Volexity list" -- "$RAMPART_BIN" bundle -v -i "$VX"
expect_grep "$TMP/err" "volexity-iocs.csv:4: warning: \"emailwhois\"" \
    "emailwhois warned with its line"
python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
n = {}
for i in b["indicators"]:
    n[i["type"]] = n.get(i["type"], 0) + 1
assert n == {"domain": 23, "sha256": 6, "sha1": 6, "md5": 6}, n
' "$TMP/out" || fail "Volexity list counts"
expect_exit 0 "bundle Sophos list" -- "$RAMPART_BIN" bundle -v -i "$SOPHOS"
expect_grep "$TMP/err" "sophos-3CX-IoCs-2023-03.csv:2: note:" \
    "Sophos description row is a note"

# A broken YARA file: exit 1, file and line named, nothing written.
cp "$YAR" "$TMP/broken.yar"
printf '\nrule broken\n{\n  strings:\n    $a = "x"\n  condition:\n    $b_undefined }\n' >>"$TMP/broken.yar"
line=$(grep -n 'b_undefined' "$TMP/broken.yar" | cut -d: -f1)
expect_exit 1 "broken YARA" -- "$RAMPART_BIN" bundle -i "$VX" \
    --yara "$TMP/broken.yar" -o "$TMP/broken.json"
expect_grep "$TMP/err" "broken.yar:$line: error: undefined string" \
    "YARA error names file and line"
[ -e "$TMP/broken.json" ] && fail "a bundle was written despite the error"
printf 'include "/etc/passwd"\nrule a { condition: true }\n' >"$TMP/inc.yar"
expect_exit 1 "YARA include" -- "$RAMPART_BIN" bundle --yara "$TMP/inc.yar"
expect_grep "$TMP/err" "inc.yar:1: error: includes are disabled" \
    "includes refused"

# Nothing usable, and an unknown CSV layout.
printf '# only a comment\nnonsense\n' >"$TMP/empty.txt"
expect_exit 1 "list with nothing usable" -- \
    "$RAMPART_BIN" bundle -i "$TMP/empty.txt"
printf 'ioc,kind\nevil.example,domain\n' >"$TMP/odd.csv"
expect_exit 1 "unknown CSV header" -- "$RAMPART_BIN" bundle -i "$TMP/odd.csv"
expect_grep "$TMP/err" "odd.csv:1: error: unknown CSV header" \
    "unknown header named"

# Networks are for blocklists: a list's networks are left out of the
# bundle (and said so); a list of networks only makes no bundle; a bundle
# file with a "cidr" entry is refused.
printf '192.0.2.1\n198.51.100.0/24\n2001:db8::/32\n' >"$TMP/nets.txt"
expect_exit 0 "list with networks" -- \
    "$RAMPART_BIN" bundle -i "$TMP/nets.txt" -o "$TMP/nets.json"
expect_grep "$TMP/err" "2 networks left out" "networks left out, said so"
expect_grep "$TMP/err" "bundle: 0 advisories, 1 indicator," \
    "networks not counted as bundled"
python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
assert [(i["type"], i["value"]) for i in b["indicators"]] == \
    [("ip", "192.0.2.1")], b["indicators"]
' "$TMP/nets.json" || fail "bundle carries the address only"
printf '198.51.100.0/24\n' >"$TMP/netonly.txt"
expect_exit 1 "list of networks only" -- \
    "$RAMPART_BIN" bundle -i "$TMP/netonly.txt" -o "$TMP/netonly.json"
[ -e "$TMP/netonly.json" ] && fail "an empty bundle was written"
printf '{"rampart_bundle":1,"indicators":[{"type":"cidr","value":"10.0.0.0/8"}]}' \
    >"$TMP/cidr.json"
expect_exit 1 "bundle with a network" -- \
    "$RAMPART_BIN" bundle --check "$TMP/cidr.json"
expect_grep "$TMP/err" "does not carry networks" "network entry refused"

# Hostile bundles.
printf '{"rampart_bundle":1,"indicators":[],"indicators":[]}' >"$TMP/dup.json"
expect_exit 1 "duplicate keys" -- "$RAMPART_BIN" bundle --check "$TMP/dup.json"
expect_grep "$TMP/err" "dup.json:1:" "duplicate key located"
printf '{"rampart_bundle":1,"indicators":[{"type":"sha256","value":42}]}' \
    >"$TMP/type.json"
expect_exit 1 "wrong type" -- "$RAMPART_BIN" bundle --check "$TMP/type.json"
expect_grep "$TMP/err" "(at /indicators/0/value)" "wrong type pointer"
printf '{"rampart_bundle":9,"indicators":[]}' >"$TMP/v9.json"
expect_exit 1 "future format" -- "$RAMPART_BIN" bundle --check "$TMP/v9.json"
expect_grep "$TMP/err" "format 9 is not supported" "future format named"
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("{\"rampart_bundle\":1,\"indicators\":[" +
            ",".join(["{}"] * 1000001) + "]}")
' "$TMP/huge.json"
expect_exit 1 "huge count" -- "$RAMPART_BIN" bundle --check "$TMP/huge.json"
expect_grep "$TMP/err" "at most 1000000 (at /indicators)" "huge count pointer"
python3 - "$TMP/3cx.bundle.json" "$TMP/badrule.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["yara"][0]["text"] = "rule x { condition: nope }"
json.dump(b, open(sys.argv[2], "w"))
PY
expect_exit 1 "bundle with a broken rule" -- \
    "$RAMPART_BIN" bundle --check "$TMP/badrule.json"
expect_grep "$TMP/err" "/yara/0:1: error:" "broken rule in a bundle located"
expect_exit 2 "check a missing bundle" -- \
    "$RAMPART_BIN" bundle --check "$TMP/missing.json"
finish
