#!/bin/sh
# The symbolic-link attacks with openat2 refused: as on a kernel before
# 5.6 (ENOSYS) or in a container whose seccomp profile predates openat2
# (EPERM), where the agent resolves paths one component at a time
# instead (src/agent/platform/linux/resolve.c).  Every agent run goes
# through tests/it/no_openat2.c, which refuses openat2 with the error
# given as $1 and logs how many calls it refused; the test fails unless
# every sweep and every quarantine add or restore was refused at least
# once -- the fallback really ran, the checks below cannot pass without
# it.  Run: the start-path attacks (attack_startpath.sh: a link in the
# middle or at the end of a start path refused and reported, the real
# path swept, quarantined and restored), the deep tree past PATH_MAX
# (attack_deep.sh), and links inside the swept tree (below).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"

ERR=${1:?usage: attack_noopenat2.sh ENOSYS|EPERM}
: "${RAMPART_NO_OPENAT2:?RAMPART_NO_OPENAT2 must name the no_openat2 launcher}"
[ -x "$RAMPART_NO_OPENAT2" ] || {
	echo "FAIL: no launcher at $RAMPART_NO_OPENAT2" >&2
	exit 1
}
LOG="$TMP/openat2.log"
: >"$LOG"
RAMPART_NO_OPENAT2_ERRNO=$ERR
RAMPART_NO_OPENAT2_EXEC=$RAMPART_AGENT
RAMPART_NO_OPENAT2_LOG=$LOG
export RAMPART_NO_OPENAT2_ERRNO RAMPART_NO_OPENAT2_EXEC RAMPART_NO_OPENAT2_LOG
RAMPART_AGENT=$RAMPART_NO_OPENAT2
export RAMPART_AGENT

# refused_ok WHAT: since the last call, every sweep and every quarantine
# restore (each resolves a path) was refused openat2 at least once, and
# so was at least one quarantine add when there were any (an add refused
# before any lookup, as past the 64 KiB cap, resolves nothing); there
# was at least one sweep or restore.  Then the log starts over.
refused_ok() {
	awk -v what="$1" '
	$2 == "sweep" || ($2 == "quarantine" && $3 == "restore") {
		n++
		if ($1 < 1) {
			print "FAIL: " what ": \"" $2 " " $3 "\" ran without " \
			    "openat2 being refused" >"/dev/stderr"
			bad++
		}
	}
	$2 == "quarantine" && $3 == "add" { adds++; if ($1 > 0) added++ }
	END {
		if (n == 0) {
			print "FAIL: " what ": no sweep or restore ran through " \
			    "the launcher" >"/dev/stderr"
			bad++
		}
		if (adds > 0 && added == 0) {
			print "FAIL: " what ": no quarantine add was refused " \
			    "openat2" >"/dev/stderr"
			bad++
		}
		exit bad > 0
	}' "$LOG" || failures=$((failures + 1))
	: >"$LOG"
}

# 1. and 2. The existing attack scripts, each with its own temporary
#    directory, their agent behind the launcher.
for t in attack_startpath attack_deep; do
	if ! sh "$(dirname "$0")/$t.sh" >"$TMP/$t.out" 2>&1; then
		fail "$t.sh with openat2 refused ($ERR)"
		sed 's/^/  | /' "$TMP/$t.out" | tail -30 >&2
	fi
	refused_ok "$t.sh"
done

# 3. Links inside the swept tree are not followed: a link to a directory
#    outside and a link to a matching file outside are counted, never
#    read; the file inside is found, quarantined and restored.
as_attacker sh -c '
cd "$1" || exit 1
mkdir -p tree/sub outside
printf "inner payload\n" >tree/sub/in.bin
printf "inner payload\n" >outside/out.bin
ln -s "$1/outside" tree/sub/dirlink
ln -s "$1/outside/out.bin" tree/filelink
' sh "$U" || fail "the attacker could not build the tree"
B=$(bundle_for "$(printf 'inner payload\n' | sha256sum | cut -d' ' -f1)")
expect_exit 1 "sweep with links inside" -- "$RAMPART_AGENT" sweep --no-cache \
    --no-processes --rules "$B" --quarantine \
    --store "$RAMPART_QUARANTINE_DIR" --json "$TMP/r.json" "$U/tree"
python3 - "$TMP/r.json" "$U" <<'PY' || fail "links inside the tree followed"
import json, sys
j = json.load(open(sys.argv[1]))
paths = [h["path"] for h in j["hits"]]
assert paths == [sys.argv[2] + "/tree/sub/in.bin"], paths
assert j["counters"]["symlinks"] == 2, j["counters"]
assert all(q["error"] is None for q in j["quarantine"]), j["quarantine"]
PY
[ -e "$U/tree/sub/in.bin" ] && fail "in.bin still in place"
[ "$(cat "$U/outside/out.bin")" = "inner payload" ] ||
	fail "the file outside was touched"
id=$(entries_for "$U/tree/sub/in.bin")
[ -n "$id" ] || fail "no entry for in.bin"
expect_exit 0 "restore in.bin" -- qa restore "$id"
[ "$(cat "$U/tree/sub/in.bin")" = "inner payload" ] || fail "in.bin not back"

# 4. Quarantine add through a link in the middle: refused, named.
expect_exit 2 "add through a link" -- qa add "$U/tree/sub/dirlink/out.bin"
expect_grep "$TMP/err" "'dirlink' is a symbolic link" "the link is named"
[ -e "$U/outside/out.bin" ] || fail "the file behind the link was taken"
expect_exit 0 "add by the real path" -- qa add "$U/tree/sub/in.bin"
id=$(entries_for "$U/tree/sub/in.bin" stored)
expect_exit 0 "restore after add" -- qa restore "$id"
[ "$(cat "$U/tree/sub/in.bin")" = "inner payload" ] || fail "in.bin not back"
refused_ok "links inside the tree"
finish
