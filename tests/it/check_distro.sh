#!/bin/sh
# Distribution advisories (Debian DSA/DLA, Ubuntu USN as OSV records) name
# source packages and releases: the agent's inventory of four dpkg roots
# (Debian 12 and 10, Ubuntu 18.04 and 22.04) is matched by source package
# and source version, and an entry for another release or distribution
# never hits (docs/matching.md, section 3).  Red Hat's real CSAF advisory
# RHSA-2024:4546 does the same through its default_component_of
# relationships: AUS 8.6 products are for RHEL 8.6 only.
. "$(dirname "$0")/lib.sh"

DATA="$RAMPART_TEST_DATA/distro"
HOSTS="deb12-web deb10-old ubu1804-pbx ubu2204-app"
set --
for a in DSA-5532-1 DSA-5514-1 DLA-3684-1 USN-6450-1; do
	[ -f "$DATA/$a.json" ] || fail "missing test data: $DATA/$a.json"
	set -- "$@" -a "$DATA/$a.json"
done
for h in $HOSTS; do
	for f in status os-release; do
		[ -f "$DATA/$h/$f" ] || fail "missing test data: $DATA/$h/$f"
	done
	mkdir -p "$TMP/$h/var/lib/dpkg" "$TMP/$h/etc"
	cp "$DATA/$h/status" "$TMP/$h/var/lib/dpkg/status"
	cp "$DATA/$h/os-release" "$TMP/$h/etc/os-release"
	echo "$h" >"$TMP/$h/etc/hostname"
	expect_exit 0 "inventory of $h" -- "$RAMPART_AGENT" inventory \
	    --root "$TMP/$h" --only host,dpkg --output "$TMP/$h.cdx.json"
	set -- "$@" -i "$TMP/$h.cdx.json"
done

RHSA="$RAMPART_SHARED_DATA/csaf/redhat-rhsa-2024_4546.json"
[ -f "$RHSA" ] || fail "missing shared data: $RHSA"
set -- "$@" -a "$RHSA" -i "$DATA/rhel.inventory.json"

expect_exit 1 "check --json" -- "$RAMPART_BIN" check --json "$@"
cp "$TMP/out" "$TMP/check.json"
python3 "$(dirname "$0")/assert_distro.py" "$TMP/check.json" ||
    fail "verdicts, rules and facts"

# Red Hat's OSV record names binary packages with purls of namespace
# "redhat"; the agent writes the os-release ID, "rhel": one distribution.
RHSA_OSV="$RAMPART_SHARED_DATA/osv/RHSA-2024_4546.json"
[ -f "$RHSA_OSV" ] || fail "missing shared data: $RHSA_OSV"
expect_exit 1 "check --json (Red Hat OSV)" -- "$RAMPART_BIN" check --json \
    -a "$RHSA_OSV" -i "$DATA/rhel.inventory.json"
cp "$TMP/out" "$TMP/check-osv.json"
python3 "$(dirname "$0")/assert_distro.py" "$TMP/check-osv.json" osv ||
    fail "Red Hat OSV: verdicts, rules and facts"

# The table for people names the source package and the release.
expect_exit 1 "check (table)" -- "$RAMPART_BIN" check "$@"
expect_grep "$TMP/out" \
    "libssl3 3.0.11-1~deb12u1 (source package openssl 3.0.11-1~deb12u1) on Debian GNU/Linux 12 matches DSA-5532-1 .* for Debian 12" \
    "reason names the source package and the release"
expect_grep "$TMP/out" \
    "lists glibc only for other distributions or releases (e.g. .* for Debian 11)" \
    "reason of an other-release entry"
finish
