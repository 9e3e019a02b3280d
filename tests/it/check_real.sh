#!/bin/sh
# rampart check on advisories published by others (from ../shared/data):
# a Red Hat CSAF advisory that lists only fixed packages, with NEVRA
# product versions and purls, and an OSV record with a SemVer range.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_SHARED_DATA:?RAMPART_SHARED_DATA must name the shared data}"

RHSA="$RAMPART_SHARED_DATA/csaf/redhat-rhsa-2024_4546.json"
GO="$RAMPART_SHARED_DATA/osv/GO-2020-0001.json"

cat >"$TMP/rhel.inventory.json" <<'JSON'
{"rampart_inventory": 1, "hosts": [
 {"name": "rhel-old", "os": "Red Hat Enterprise Linux", "os_version": "8.6",
  "software": [{"name": "git-lfs", "version": "2.13.3-3.el8_6",
                "source": "rpm", "arch": "x86_64"}]},
 {"name": "rhel-new", "os": "Red Hat Enterprise Linux", "os_version": "8.6",
  "software": [{"name": "git-lfs", "version": "2.13.3-3.el8_6.1",
                "source": "rpm", "arch": "x86_64",
                "purl": "pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?arch=x86_64"}]},
 {"name": "win-01", "os": "Windows", "os_version": "11",
  "software": [{"name": "Git LFS", "version": "3.4.0",
                "source": "windows_registry"}]}
]}
JSON
cat >"$TMP/go.inventory.json" <<'JSON'
{"rampart_inventory": 1, "hosts": [
 {"name": "ci-old", "os": "Debian GNU/Linux",
  "software": [{"name": "github.com/gin-gonic/gin", "version": "1.5.0",
                "purl": "pkg:golang/github.com/gin-gonic/gin@v1.5.0"}]},
 {"name": "ci-new", "os": "Debian GNU/Linux",
  "software": [{"name": "github.com/gin-gonic/gin", "version": "1.9.1",
                "purl": "pkg:golang/github.com/gin-gonic/gin@v1.9.1"}]}
]}
JSON

# verdict JSON HOST VERDICT [REASON-WORDS]: checks one host's verdict.
verdict() {
	python3 - "$@" <<'PY' || fail "$2: see above"
import json, sys
doc = json.load(open(sys.argv[1]))
host, want = sys.argv[2], sys.argv[3]
h = [x for x in doc["hosts"] if x["name"] == host][0]
if h["verdict"] != want:
    sys.exit("%s: verdict %s, expected %s: %s" % (host, h["verdict"], want,
             [r["reason"] for r in h["results"]]))
for word in sys.argv[4:]:
    if not any(word in r["reason"] for r in h["results"]):
        sys.exit("%s: no reason mentions %r" % (host, word))
PY
}

expect_exit 1 "Red Hat advisory" -- "$RAMPART_BIN" check --json \
    -a "$RHSA" -i "$TMP/rhel.inventory.json"
cp "$TMP/out" "$TMP/rhsa.json"
verdict "$TMP/rhsa.json" rhel-old affected "RHSA-2024:4546" \
    "fixed in 2.13.3-3.el8_6.1 > 2.13.3-3.el8_6"
verdict "$TMP/rhsa.json" rhel-new fixed \
    "exact version 2.13.3-3.el8_6.1 = 2.13.3-3.el8_6.1"
# Same package name, but the advisory is for Red Hat Enterprise Linux.
verdict "$TMP/rhsa.json" win-01 not_affected \
    "lists git-lfs only for Linux"

expect_exit 1 "OSV record" -- "$RAMPART_BIN" check --json \
    -a "$GO" -i "$TMP/go.inventory.json"
cp "$TMP/out" "$TMP/go.json"
verdict "$TMP/go.json" ci-old affected "GO-2020-0001" \
    "range vers:semver/<1.6.0 contains 1.5.0"
verdict "$TMP/go.json" ci-new fixed "fixed in 1.6.0 <= 1.9.1"
finish
