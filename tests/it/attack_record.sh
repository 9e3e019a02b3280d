#!/bin/sh
# Quarantine records are sealed with the store's key.  An unprivileged
# user's file is quarantined by root; the record is then edited to make
# the restore write a set-user-ID root file elsewhere: the restore is
# refused, naming the record, and nothing is written.  A genuine record
# restores; set-ID bits come back only with --keep-setid.  A store made
# before records were sealed is refused until `quarantine adopt`, which
# seals what has no MAC but never re-seals a record whose MAC is wrong.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"
S=$RAMPART_QUARANTINE_DIR

# edit FILE PYTHON: applies PYTHON to the record r (a dict) in FILE.
edit() {
	python3 - "$1" "$2" <<'PY'
import json, os, sys
p = sys.argv[1]
r = json.load(open(p))
exec(sys.argv[2])
os.chmod(p, 0o600)
json.dump(r, open(p, "w"))
PY
}

as_attacker sh -c 'cp /bin/true "$1/tool" && chmod 0755 "$1/tool"' sh "$U"
cp "$U/tool" "$TMP/tool.ref"
expect_exit 0 "add the attacker's file" -- qa add "$U/tool"
id=$(entries_for "$U/tool")
[ -n "$id" ] || fail "no entry"
[ "$(stat -c '%a %U' "$S/key")" = "400 root" ] ||
	fail "key: $(stat -c '%a %U %s' "$S/key")"
[ "$(stat -c %s "$S/key")" = 32 ] || fail "key is not 32 bytes"
cp "$S/$id.json" "$TMP/genuine.json"

# 1. The edited record: set-user-ID root, somewhere else.
edit "$S/$id.json" 'r["uid"] = 0; r["gid"] = 0; r["mode"] = 0o104755
r["path"] = os.path.dirname(sys.argv[1]) + "/../evil"'
expect_exit 2 "restore of an edited record" -- qa restore "$id"
expect_grep "$TMP/err" "MAC does not match" "the MAC failure said"
expect_grep "$TMP/err" "record $S/$id.json is refused" "the record named"
[ -e "$TMP/evil" ] && fail "the edited record wrote its file"
[ -e "$U/tool" ] && fail "the edited record restored the original"
expect_exit 0 "list with an edited record" -- qa list
expect_grep "$TMP/out" "^$id .* damaged" "the edited entry is listed damaged"
expect_exit 2 "show of an edited record" -- qa show "$id"
# dropping the MAC is no way round it either
edit "$S/$id.json" 'del r["mac"]'
expect_exit 2 "restore of a record without MAC" -- qa restore "$id"
expect_grep "$TMP/err" "has no MAC" "no MAC said"
# a planted record with a made-up MAC
sed "s/$id/0123456789abcdef0123456789abcdef/" "$TMP/genuine.json" \
    >"$S/0123456789abcdef0123456789abcdef.json"
cp "$S/$id.rpq" "$S/0123456789abcdef0123456789abcdef.rpq"
expect_exit 2 "restore of a planted record" -- \
    qa restore 0123456789abcdef0123456789abcdef
qa purge 0123456789abcdef0123456789abcdef >/dev/null

# 2. The genuine record restores the attacker's file as it was.
install -m 0400 "$TMP/genuine.json" "$S/$id.json"
expect_exit 0 "restore of the genuine record" -- qa restore "$id"
cmp -s "$U/tool" "$TMP/tool.ref" || fail "restored file differs"
[ "$(stat -c '%a %U' "$U/tool")" = "755 $ATTACKER" ] ||
	fail "restored as $(stat -c '%a %U' "$U/tool")"

# 3. Set-ID bits only with --keep-setid.
mkdir "$TMP/sbin"
cp /bin/true "$TMP/sbin/suid"
chmod 4755 "$TMP/sbin/suid"
expect_exit 0 "add a set-user-ID file" -- qa add "$TMP/sbin/suid"
id=$(entries_for "$TMP/sbin/suid")
expect_exit 1 "restore without --keep-setid" -- qa restore "$id"
expect_grep "$TMP/err" "set-group-ID bits of mode 4755 not restored" \
    "dropped bits said"
[ "$(stat -c %a "$TMP/sbin/suid")" = 755 ] ||
	fail "set-uid kept without --keep-setid: $(stat -c %a "$TMP/sbin/suid")"
chmod 4755 "$TMP/sbin/suid"
expect_exit 0 "add it again" -- qa add "$TMP/sbin/suid"
id=$(entries_for "$TMP/sbin/suid")
expect_exit 0 "restore --keep-setid" -- qa restore "$id" --keep-setid
[ "$(stat -c '%a %U' "$TMP/sbin/suid")" = "755 root" ] &&
	fail "--keep-setid did not keep the bit"
[ "$(stat -c '%a %U' "$TMP/sbin/suid")" = "4755 root" ] ||
	fail "after --keep-setid: $(stat -c '%a %U' "$TMP/sbin/suid")"
qa --help >"$TMP/help"
expect_grep "$TMP/help" "--keep-setid" "--help names --keep-setid"

# 4. A store from before records were sealed: refused, then adopted.
as_attacker sh -c 'printf one >"$1/one"; printf two >"$1/two"' sh "$U"
expect_exit 0 "add one" -- qa add "$U/one"
expect_exit 0 "add two" -- qa add "$U/two"
one=$(entries_for "$U/one")
two=$(entries_for "$U/two")
rm "$S/key"
for f in "$S"/*.json; do edit "$f" 'del r["mac"]'; done
expect_exit 2 "a store without key" -- qa list
expect_grep "$TMP/err" "has records but no key" "the missing key said"
expect_grep "$TMP/err" "adopt" "what to do said"
edit "$S/$two.json" 'r["mac"] = "00" * 32'
expect_exit 1 "adopt" -- qa adopt
expect_grep "$TMP/out" "sealed 1 record" "one record sealed"
expect_grep "$TMP/err" "$two.json: its MAC does not match; left" \
    "the wrong MAC left alone"
expect_exit 0 "restore an adopted record" -- qa restore "$one"
[ "$(cat "$U/one")" = one ] || fail "adopted record did not restore"
expect_exit 2 "restore the unadopted one" -- qa restore "$two"

# 5. A key anyone can read is refused.
chmod 0644 "$S/key"
expect_exit 2 "a readable key" -- qa list
expect_grep "$TMP/err" "without group or other permissions" "key mode said"
chmod 0400 "$S/key"
finish
