#!/bin/sh
# Symbolic links in a start path.  An unprivileged user replaces a
# directory of the path the root sweep is given (~/Downloads) by a link
# to elsewhere: the sweep must not read outside what it was told, nor
# report paths that are not where the files are.  The rule
# (docs/agent-sweep.md): no link is followed anywhere in a start path,
# whoever owns it -- the attacker's link and a root-owned one alike are
# refused, with the start path, the component that is a link, where it
# points and the path to give instead; the other start paths are still
# swept, and the path given instead is swept and quarantinable.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"

as_attacker sh -c '
cd "$1" || exit 1
mkdir -p outside/sub real/sub
printf "scope payload\n" >outside/sub/x.bin
printf "scope payload\n" >real/sub/y.bin
ln -s "$1/outside" Downloads
' sh "$U" || fail "the attacker could not build the tree"
ln -s "$U/real" "$TMP/rootlink" # root's own link, in root's directory
B=$(bundle_for "$(printf 'scope payload\n' | sha256sum | cut -d' ' -f1)")
jget() {
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}
sweep() {
	"$RAMPART_AGENT" sweep --no-cache --no-processes --rules "$B" \
	    --json "$TMP/r.json" "$@"
}

# 1. The attacker's link in the middle of the start path.
expect_exit 0 "a link in the middle" -- sweep "$U/Downloads/sub"
expect_grep "$TMP/err" "start path $U/Downloads/sub: $U/Downloads is a symbolic link (to $U/outside)" \
    "the link component named"
expect_grep "$TMP/err" "give $U/outside/sub instead" "the real path named"
[ "$(jget "$TMP/r.json" '(j["counters"]["files_seen"], len(j["hits"]))')" = \
    "(0, 0)" ] || fail "something was read through the link"

# 2. The link as the last component, and a file below a link.
expect_exit 0 "a link at the end" -- sweep "$U/Downloads"
expect_grep "$TMP/err" "$U/Downloads is a symbolic link" "last link named"
expect_exit 0 "a file below a link" -- sweep "$U/Downloads/sub/x.bin"
expect_grep "$TMP/err" "$U/Downloads is a symbolic link" "file's link named"
[ "$(jget "$TMP/r.json" 'len(j["hits"])')" = 0 ] || fail "file read via link"

# 3. A root-owned link in root's own directory: refused just the same.
expect_exit 0 "a root-owned link" -- sweep "$TMP/rootlink/sub"
expect_grep "$TMP/err" "$TMP/rootlink is a symbolic link (to $U/real)" \
    "root-owned link named"
expect_grep "$TMP/err" "give $U/real/sub instead" "its real path named"

# 4. A refused start path does not stop the others; paths are true.
expect_exit 1 "refused and good start paths" -- sweep "$U/Downloads/sub" \
    "$U/outside/sub"
[ "$(jget "$TMP/r.json" '[h["path"] for h in j["hits"]]')" = \
    "['$U/outside/sub/x.bin']" ] || fail "hit paths: $(jget "$TMP/r.json" \
    '[h["path"] for h in j["hits"]]')"

# 5. ".." is taken as written, before anything is looked up.
expect_exit 1 "a start path with .." -- sweep "$U/outside/../real/./sub"
[ "$(jget "$TMP/r.json" '[h["path"] for h in j["hits"]]')" = \
    "['$U/real/sub/y.bin']" ] || fail "normalised path not reported"

# 6. The path given instead is swept and its file quarantinable.
expect_exit 1 "the real path, quarantined" -- sweep --quarantine \
    --store "$RAMPART_QUARANTINE_DIR" "$U/real/sub"
expect_grep "$TMP/out" "^quarantined $U/real/sub/y.bin as " "y.bin taken"
[ -e "$U/real/sub/y.bin" ] && fail "y.bin still in place"
id=$(entries_for "$U/real/sub/y.bin")
expect_exit 0 "restore y.bin" -- qa restore "$id"
[ "$(cat "$U/real/sub/y.bin")" = "scope payload" ] || fail "y.bin not back"

# 7. The attacker swaps a directory for a link while the sweep is given
#    the real path: the root stays refused and nothing outside is read.
as_attacker sh -c 'mv "$1/real" "$1/real.old" && ln -s "$1/outside" "$1/real"' \
    sh "$U" || fail "swap"
expect_exit 0 "after the swap" -- sweep "$U/real/sub"
expect_grep "$TMP/err" "$U/real is a symbolic link" "swapped link named"
[ "$(jget "$TMP/r.json" 'len(j["hits"])')" = 0 ] || fail "read after swap"
finish
