#!/bin/sh
# rampart-agent inventory reads rpm databases: for each format the
# installed librpm reads (SQLite, Berkeley DB) the packages equal what
# `rpm -qa` prints for the same database; an NDB database is a clear error
# and a non-zero exit, never an empty list; the image is never written to.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the agent binary}"
DB="$RAMPART_SHARED_DATA/inventory/rpmdb"
# The agent's private copies go here, so the test can see them removed.
mkdir "$TMP/tmpdir"
TMPDIR="$TMP/tmpdir"
export TMPDIR

# What the agent's native JSON lists, in rpm -qa's --qf form, sorted.
agent_list() {
	python3 - "$1" <<'PY'
import json, sys
host = json.load(open(sys.argv[1]))["hosts"][0]
for s in host.get("software", []):
    if s.get("source") != "rpm":
        continue
    v = s["version"]
    epoch, _, v = v.rpartition(":") if ":" in v else ("0", "", v)
    ver, _, rel = v.rpartition("-")
    print(s["name"], epoch, ver, rel, s.get("arch", "(none)"),
          s.get("vendor", "(none)"))
PY
}

for db in cbl-mariner-2.0/rpmdb.sqlite libuuid/Packages; do
	root="$TMP/root-${db%%/*}"
	mkdir -p "$root/var/lib/rpm" "$TMP/rpmcopy"
	cp "$DB/$db" "$root/var/lib/rpm/"
	chmod -R u+w "$root"
	(cd "$root/var/lib/rpm" && ls -la) >"$TMP/before"
	expect_exit 0 "inventory of $db" -- \
	    "$RAMPART_AGENT" inventory --root "$root" --format native \
	    --only rpm
	cp "$TMP/out" "$TMP/agent.json"
	(cd "$root/var/lib/rpm" && ls -la) >"$TMP/after"
	cmp -s "$TMP/before" "$TMP/after" ||
	    fail "$db: the agent changed the database directory"
	agent_list "$TMP/agent.json" | sort >"$TMP/agent.txt"
	# rpm writes into the directory it reads: give it its own copy.
	rm -rf "$TMP/rpmcopy"/*
	cp "$DB/$db" "$TMP/rpmcopy/"
	chmod -R u+w "$TMP/rpmcopy"
	rpm --dbpath "$TMP/rpmcopy" -qa --qf \
	    '%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH} %{VENDOR}\n' \
	    2>/dev/null | sort >"$TMP/rpm.txt"
	n=$(wc -l <"$TMP/rpm.txt")
	[ "$n" -gt 0 ] || fail "$db: rpm -qa listed nothing"
	if ! cmp -s "$TMP/agent.txt" "$TMP/rpm.txt"; then
		fail "$db: the agent's packages differ from rpm -qa"
		diff "$TMP/agent.txt" "$TMP/rpm.txt" | head -20 >&2
	fi
	echo "$db: $n packages, as rpm -qa"
done

# The SQLite database also sits in usr/lib/sysimage/rpm on newer systems.
root="$TMP/root-sysimage"
mkdir -p "$root/usr/lib/sysimage/rpm"
cp "$DB/cbl-mariner-2.0/rpmdb.sqlite" "$root/usr/lib/sysimage/rpm/"
expect_exit 0 "inventory of usr/lib/sysimage/rpm" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native --only rpm
[ "$(agent_list "$TMP/out" | wc -l)" -eq 129 ] ||
    fail "usr/lib/sysimage/rpm: not the 129 packages of the database"

# NDB: this librpm has no ndb backend; a clear error, exit 1, no packages.
root="$TMP/root-ndb"
mkdir -p "$root/var/lib/rpm"
cp "$DB/sle15-bci/Packages.db" "$root/var/lib/rpm/"
chmod -R u+w "$root"
expect_exit 1 "inventory of an NDB database" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native --only rpm
expect_grep "$TMP/err" "Packages.db: an NDB rpm database" "NDB error"
expect_grep "$TMP/err" "sqlite and bdb_ro" "NDB error names the formats"
[ "$(ls "$root/var/lib/rpm")" = "Packages.db" ] ||
    fail "NDB: files appeared in the database directory"

# A database file librpm cannot read is an error, not an empty list.
root="$TMP/root-junk"
mkdir -p "$root/var/lib/rpm"
printf 'SQLite format 3\000but nothing more of one' \
    >"$root/var/lib/rpm/rpmdb.sqlite"
expect_exit 1 "inventory of a broken SQLite database" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native --only rpm
expect_grep "$TMP/err" "rpmdb.sqlite" "broken database named"
head -c 4096 /dev/zero >"$root/var/lib/rpm/rpmdb.sqlite"
expect_exit 1 "inventory of a zero-filled database" -- \
    "$RAMPART_AGENT" inventory --root "$root" --format native --only rpm
expect_grep "$TMP/err" "not an SQLite rpm database" "wrong magic named"

# No rpm database at all is not an error (a Debian machine).
mkdir -p "$TMP/root-empty/var/lib/rpm"
expect_exit 0 "inventory of a root without rpm" -- \
    "$RAMPART_AGENT" inventory --root "$TMP/root-empty" --only rpm
[ -z "$(ls -A "$TMP/tmpdir")" ] || fail "a private copy was left behind"
finish
