#!/bin/sh
# rampart-agent inventory reads dpkg's database: on this machine the
# installed packages equal what dpkg-query lists; the Debian 12 and Ubuntu
# 18.04 status files are read completely below --root, with the state of
# packages that are not fully installed; status.d (distroless) is read.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the agent binary}"
DATA="$RAMPART_SHARED_DATA/inventory/dpkg"

# "name version arch state" per dpkg entry of native JSON file $1.
agent_list() {
	python3 - "$1" <<'PY'
import json, sys
host = json.load(open(sys.argv[1]))["hosts"][0]
for s in host.get("software", []):
    if s.get("source") == "dpkg":
        print(s["name"], s["version"], s.get("arch", "-"),
              s.get("state", "installed"))
PY
}

# This machine, against dpkg-query (status "i": installed).
expect_exit 0 "inventory of this machine" -- \
    "$RAMPART_AGENT" inventory --format native --only host,dpkg
agent_list "$TMP/out" | awk '$4 == "installed" { print $1, $2, $3 }' |
    sort >"$TMP/agent.txt"
dpkg-query -W -f '${Package} ${Version} ${Architecture} ${db:Status-Abbrev}\n' |
    awk 'substr($4, 2, 1) == "i" { print $1, $2, $3 }' | sort >"$TMP/dpkg.txt"
n=$(wc -l <"$TMP/dpkg.txt")
[ "$n" -gt 100 ] || fail "dpkg-query listed only $n packages"
if ! cmp -s "$TMP/agent.txt" "$TMP/dpkg.txt"; then
	fail "this machine: the agent's packages differ from dpkg-query"
	diff "$TMP/agent.txt" "$TMP/dpkg.txt" | head -20 >&2
fi
echo "this machine: $n installed packages, as dpkg-query"

# The status files of other systems, each as a root's only database.
for f in debian-12-status ubuntu-18.04-status; do
	root="$TMP/root-$f"
	mkdir -p "$root/var/lib/dpkg"
	cp "$DATA/$f" "$root/var/lib/dpkg/status"
	expect_exit 0 "inventory of $f" -- \
	    "$RAMPART_AGENT" inventory --root "$root" --format native
	agent_list "$TMP/out" >"$TMP/$f.agent"
	# Expected from the file itself: Package, Version, Architecture and
	# the third word of Status, paragraph by paragraph.
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		p = v = a = s = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^Package: /) p = substr($i, 10)
			if ($i ~ /^Version: /) v = substr($i, 10)
			if ($i ~ /^Architecture: /) a = substr($i, 15)
			if ($i ~ /^Status: /) { split($i, w, " "); s = w[4] }
		}
		print p, v, a, s
	}' "$root/var/lib/dpkg/status" >"$TMP/$f.expect"
	if ! cmp -s "$TMP/$f.agent" "$TMP/$f.expect"; then
		fail "$f: the agent's packages differ from the file's paragraphs"
		diff "$TMP/$f.agent" "$TMP/$f.expect" | head -20 >&2
	fi
	inst=$(grep -c '^Status: install ok installed$' "$DATA/$f")
	got=$(awk '$4 == "installed"' "$TMP/$f.agent" | wc -l)
	[ "$got" -eq "$inst" ] ||
	    fail "$f: $got installed packages, the file has $inst"
	echo "$f: $(wc -l <"$TMP/$f.agent") packages, $inst installed"
done
# Ubuntu 18.04 has one package removed with its configuration kept.
grep -q ' config-files$' "$TMP/ubuntu-18.04-status.agent" ||
    fail "ubuntu-18.04-status: the config-files package has no state"

# CycloneDX carries the state as a property.
expect_exit 0 "CycloneDX of ubuntu-18.04-status" -- \
    "$RAMPART_AGENT" inventory --root "$TMP/root-ubuntu-18.04-status"
expect_grep "$TMP/out" '"rampart:state"' "state property"
expect_grep "$TMP/out" '"specVersion": "1.5"' "CycloneDX 1.5"

# Distroless: one paragraph per file in status.d, md5sums files skipped.
root="$TMP/root-distroless"
mkdir -p "$root/var/lib/dpkg/status.d" "$root/etc"
printf 'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\n' \
    >"$root/etc/os-release"
printf 'Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n' \
    >"$root/var/lib/dpkg/status.d/libc6"
printf 'Package: base-files\r\nStatus: install ok installed\r\n' \
    >"$root/var/lib/dpkg/status.d/base-files"
printf 'Version: 12.4+deb12u5\r\nArchitecture: amd64\r\n' \
    >>"$root/var/lib/dpkg/status.d/base-files"
echo "d41d8cd98f00b204e9800998ecf8427e  usr/lib/x" \
    >"$root/var/lib/dpkg/status.d/libc6.md5sums"
expect_exit 0 "inventory of a distroless image" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native
expect_grep "$TMP/out" \
    'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12' \
    "distroless purl"
expect_grep "$TMP/out" '"version": "12.4+deb12u5"' "CRLF status.d file"
expect_grep "$TMP/out" '"os": "Debian GNU/Linux"' "os-release of the image"

# A broken status file: exit 1, the file and line named, the rest kept.
root="$TMP/root-broken"
mkdir -p "$root/var/lib/dpkg"
printf 'Package: a\nStatus: install ok installed\nVersion: 1\n\n' \
    >"$root/var/lib/dpkg/status"
printf 'Package: b\nStatus: install ok installed\n\n' \
    >>"$root/var/lib/dpkg/status"
expect_exit 1 "inventory of a broken status file" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native
expect_grep "$TMP/err" "var/lib/dpkg/status:5: no Version" "file and line"
expect_grep "$TMP/out" '"name": "a"' "good package kept"

# Usage.
expect_exit 2 "--format bogus" -- "$RAMPART_AGENT" inventory --format x
expect_exit 2 "--only bogus" -- "$RAMPART_AGENT" inventory --only dpkg,x
expect_exit 2 "--root missing" -- \
    "$RAMPART_AGENT" inventory --root "$TMP/does-not-exist"
expect_exit 0 "--help" -- "$RAMPART_AGENT" inventory --help
expect_grep "$TMP/out" "usage: rampart-agent inventory" "--help"
expect_exit 0 "--output" -- "$RAMPART_AGENT" inventory --only dpkg \
    --root "$TMP/root-debian-12-status" --output "$TMP/inv.json"
[ "$(stat -c %a "$TMP/inv.json")" = 600 ] || fail "--output not mode 0600"
finish
