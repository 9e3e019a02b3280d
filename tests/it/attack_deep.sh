#!/bin/sh
# A matching file nested far deeper than PATH_MAX (4096 bytes of path):
# an unprivileged user builds the tree (relative to directory
# descriptors, as no path of it fits a system call), the root sweep
# reports the file and quarantines it, `quarantine add` takes a second
# one by its long path, and both are restored byte-identical to their
# long paths, which are kept whole in the records.  A path over the
# store's cap (64 KiB) is refused with a clear error, and nothing is lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"

# deep.py ROOT LEVELS FILE...: builds ROOT/d.../FILE (LEVELS levels of
# 200-byte names) and prints the absolute path of the deepest directory;
# existing levels are kept; "check ROOT LEVELS FILE SHA": whether FILE there has that SHA-256.
cat >"$TMP/deep.py" <<'PY'
import hashlib, os, sys
cmd, root, levels = sys.argv[1], sys.argv[2], int(sys.argv[3])
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
parts = [root]
for i in range(levels):
    name = ("%03d" % i) + "d" * 197
    if cmd == "make":
        try:
            os.mkdir(name, dir_fd=fd)
        except FileExistsError:
            pass
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                  dir_fd=fd)
    os.close(fd)
    fd = nfd
    parts.append(name)
if cmd == "make":
    for f in sys.argv[4:]:
        with os.fdopen(os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                               0o640, dir_fd=fd), "w") as o:
            o.write("deep payload\n")
    print("/".join(parts))
else:
    with os.fdopen(os.open(sys.argv[4], os.O_RDONLY | os.O_NOFOLLOW,
                           dir_fd=fd), "rb") as i:
        sys.exit(hashlib.sha256(i.read()).hexdigest() != sys.argv[5])
PY
LEVELS=40 # 40 * 201 bytes: about 8 KiB of path
DEEP=$(as_attacker "$APY" "$TMP/deep.py" make "$U" $LEVELS a.bin b.bin) ||
	fail "the attacker could not build the deep tree"
[ ${#DEEP} -gt 8000 ] || fail "deep path only ${#DEEP} bytes"
S=$(printf 'deep payload\n' | sha256sum | cut -d' ' -f1)
B=$(bundle_for "$S")

# 1. The sweep reports both and quarantines both.
expect_exit 1 "sweep of the deep tree" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$B" --quarantine --store "$RAMPART_QUARANTINE_DIR" \
    --json "$TMP/r.json" "$U"
expect_grep "$TMP/out" "^quarantined $U/000d.*/a.bin as " "a.bin quarantined"
grep -q "longer than" "$TMP/out" "$TMP/err" && fail "a length limit was hit"
python3 - "$TMP/r.json" "$DEEP" <<'PY' || fail "report: both deep files"
import json, sys
j = json.load(open(sys.argv[1]))
paths = sorted(h["path"] for h in j["hits"])
assert paths == [sys.argv[2] + "/a.bin", sys.argv[2] + "/b.bin"], paths
assert all(q["error"] is None for q in j["quarantine"]), j["quarantine"]
PY
python3 "$TMP/deep.py" check "$U" $LEVELS a.bin "$S" 2>/dev/null &&
	fail "a.bin still in place"

# 2. The records keep the whole path; restore puts them back.
for id in $(entries_for "$DEEP/a.bin") $(entries_for "$DEEP/b.bin"); do
	expect_exit 0 "show $id" -- qa show "$id"
	expect_grep "$TMP/out" "^path: *$DEEP/[ab].bin$" "record keeps the path"
	expect_exit 0 "restore $id" -- qa restore "$id"
done
python3 "$TMP/deep.py" check "$U" $LEVELS a.bin "$S" ||
	fail "a.bin not restored byte-identical"
python3 "$TMP/deep.py" check "$U" $LEVELS b.bin "$S" ||
	fail "b.bin not restored byte-identical"

# 3. quarantine add by the long path, and back.
expect_exit 0 "add by a long path" -- qa add "$DEEP/a.bin"
id=$(entries_for "$DEEP/a.bin")
[ -n "$id" ] || fail "no entry for the long path"
expect_exit 0 "restore by a long path" -- qa restore "$id"
python3 "$TMP/deep.py" check "$U" $LEVELS a.bin "$S" ||
	fail "a.bin not back after add/restore"

# 4. Past the cap (64 KiB): refused, the file stays.
HUGE=$(as_attacker "$APY" "$TMP/deep.py" make "$U" 340 c.bin) ||
	fail "the attacker could not build the huge tree"
expect_exit 2 "add past the cap" -- qa add "$HUGE/c.bin"
expect_grep "$TMP/err" "longer than 65536 bytes" "the cap is named"
python3 "$TMP/deep.py" check "$U" 340 c.bin "$S" ||
	fail "the file past the cap was touched"
finish
