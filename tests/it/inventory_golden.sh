#!/bin/sh
# rampart-agent inventory gives exactly the recorded transcript (exit
# status, stdout, stderr) on fixed roots: the fixture images of the apps,
# flatpak and snap collectors, a dpkg status file of its own, an rpm
# database of the shared data, CycloneDX and native output, and --only
# selections.  A change in
# how collectors are chosen or run must not change what they report.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the agent binary}"
EXPECT="$RAMPART_TEST_DATA/inventory/golden/transcript.txt"
SHARED="$RAMPART_SHARED_DATA/inventory"

[ -n "${RAMPART_GOLDEN_WRITE:-}" ] || [ -f "$EXPECT" ] ||
    fail "$EXPECT is missing"
[ -f "$RAMPART_TEST_DATA/inventory/golden/dpkg-status" ] ||
    fail "$RAMPART_TEST_DATA/inventory/golden/dpkg-status is missing"
[ -f "$SHARED/rpmdb/libuuid/Packages" ] ||
    fail "$SHARED/rpmdb/libuuid/Packages is missing"
mkdir -p "$TMP/dpkg/var/lib/dpkg" "$TMP/rpm/var/lib/rpm" "$TMP/tmpdir"
cp "$RAMPART_TEST_DATA/inventory/golden/dpkg-status" \
    "$TMP/dpkg/var/lib/dpkg/status"
cp "$SHARED/rpmdb/libuuid/Packages" "$TMP/rpm/var/lib/rpm/"
chmod -R u+w "$TMP/rpm"
TMPDIR="$TMP/tmpdir"
export TMPDIR

# run NAME ARGS...: one case of the transcript, paths made relative.
run() {
	name=$1
	shift
	echo "== $name"
	"$RAMPART_AGENT" inventory "$@" >"$TMP/o" 2>"$TMP/e"
	echo "exit $?"
	# CycloneDX has a fresh serial number and timestamp every time.
	sed -e 's/"urn:uuid:[0-9a-f-]*"/"urn:uuid:X"/' \
	    -e 's/"timestamp": "[^"]*"/"timestamp": "X"/' "$TMP/o"
	echo "-- stderr"
	sed -e "s|$TMP|TMP|g" -e "s|$RAMPART_TEST_DATA|DATA|g" "$TMP/e"
}

T=$RAMPART_TEST_DATA
{
	run macroot --root "$T/apps/macroot" --format native
	run macroot-cdx --root "$T/apps/macroot"
	run macroot-only --root "$T/apps/macroot" --format native \
	    --only host,apps
	run flatpak --root "$T/flatpak/root" --format native
	run snap --root "$T/snap/root" --format native
	run snap-nostate --root "$T/snap/root-nostate" --format native
	run dpkg --root "$TMP/dpkg" --format native
	run rpm --root "$TMP/rpm" --format native --only rpm,host
	run only-live --root "$T/snap/root" --format native \
	    --only processes,connections
	run only-bad --only dpkg,nosuch
	run only-empty --only ""
} >"$TMP/transcript.txt"

# --help lists every collector --only takes, from the same table.
"$RAMPART_AGENT" inventory --help >"$TMP/help" || fail "inventory --help"
for c in host dpkg rpm flatpak snap apps processes connections; do
	expect_grep "$TMP/help" "^                 $c  *[A-Za-z]" "--help lists $c"
	"$RAMPART_AGENT" inventory --root "$T/snap/root" --format native \
	    --only "$c" >/dev/null 2>&1
	[ $? -le 1 ] || fail "--only $c is refused"
done
expect_grep "$TMP/help" "processes    running processes (live only)" \
    "--help says processes are live only"

if [ -n "${RAMPART_GOLDEN_WRITE:-}" ]; then
	cp "$TMP/transcript.txt" "$EXPECT"
	echo "wrote $EXPECT"
elif ! cmp -s "$TMP/transcript.txt" "$EXPECT"; then
	fail "the inventory transcript differs from $EXPECT"
	diff "$EXPECT" "$TMP/transcript.txt" | head -40 >&2
fi
finish
