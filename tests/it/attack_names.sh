#!/bin/sh
# File names that would spoof the terminal: an unprivileged user names
# matching files with a right-to-left override (U+202E), other format
# characters, an escape sequence and a C1 control.  The root sweep and
# `quarantine list/show` show every one of them escaped (\u202e, \x1b,
# \u009b), never raw; the JSON outputs stay valid JSON with the real
# names; every file is quarantined and restored under its real name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"

as_attacker sh -c '
cd "$1" || exit 1
printf "payload\n" >"invoice$(printf "\342\200\256")fdp.exe"
printf "payload\n" >"zw$(printf "\342\200\213\342\200\217\342\201\246\357\273\277\330\234")x"
printf "payload\n" >"esc$(printf "\033")[31mred"
printf "payload\n" >"c1$(printf "\302\233")2J"
printf "payload\n" >"back\\slash"
' sh "$U" || fail "attacker could not create the names"
B=$(bundle_for "$(printf 'payload\n' | sha256sum | cut -d' ' -f1)")

# raw_format FILE: whether FILE holds a raw format character or control.
raw_format() {
	python3 - "$1" <<'PY'
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
bad = [c for c in t if c in "\u061c\u200b\u200c\u200d\u200e\u200f\u2066\u2067"
       "\u2068\u2069\ufeff" or 0x202a <= ord(c) <= 0x202e
       or (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0]
sys.exit(0 if bad else 1)
PY
}

expect_exit 1 "sweep of the spoofing names" -- "$RAMPART_AGENT" sweep \
    --no-cache --rules "$B" --quarantine --store "$RAMPART_QUARANTINE_DIR" \
    --json "$TMP/sweep.json" "$U"
cp "$TMP/out" "$TMP/sweep.out"
raw_format "$TMP/sweep.out" && fail "sweep output holds a raw format char"
for want in 'invoice\\u202efdp.exe' 'zw\\u200b\\u200f\\u2066\\ufeff\\u061cx' \
    'esc\\x1b\[31mred' 'c1\\u009b2J' 'back\\\\slash'; do
	expect_grep "$TMP/sweep.out" "FILE .*$want" "sweep shows $want"
	expect_grep "$TMP/sweep.out" "^quarantined .*$want" \
	    "sweep quarantined $want"
done
python3 - "$TMP/sweep.json" "$U" <<'PY' || fail "sweep JSON: real names"
import json, os, sys
j = json.load(open(sys.argv[1]))
names = sorted(os.path.basename(h["path"]) for h in j["hits"])
want = sorted(["invoice\u202efdp.exe", "zw\u200b\u200f\u2066\ufeff\u061cx",
               "esc\x1b[31mred", "c1\x9b2J", "back\\slash"])
assert names == want, names
PY

expect_exit 0 "quarantine list" -- qa list
raw_format "$TMP/out" && fail "quarantine list holds a raw format char"
expect_grep "$TMP/out" 'invoice\\u202efdp.exe' "list shows the override"
expect_exit 0 "quarantine list --json" -- qa list --json
python3 -c 'import json,sys; print("\n".join(e["id"] for e in json.load(open(sys.argv[1]))))' \
    "$TMP/out" >"$TMP/ids" || fail "list --json is not JSON"
[ "$(grep -c . "$TMP/ids")" -eq 5 ] || fail "five entries expected"
for id in $(cat "$TMP/ids"); do
	expect_exit 0 "show $id" -- qa show "$id"
	raw_format "$TMP/out" && fail "show $id holds a raw format char"
	expect_exit 0 "restore $id" -- qa restore "$id"
done
n=$(find "$U" -type f | wc -l)
[ "$n" -eq 5 ] || fail "$n files back, 5 expected"
[ -f "$U/invoice$(printf '\342\200\256')fdp.exe" ] ||
	fail "the override name is not back under its real name"
finish
