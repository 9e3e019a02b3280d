#!/bin/sh
# rampart-agent inventory on a macOS file system tree (tests/data/apps/
# macroot): every application bundle is listed with the name, version and
# bundle ID of its Info.plist (XML and binary), a symlinked bundle pointing
# outside the root is not followed, a broken Info.plist is named on stderr
# and the other bundles are still listed.  The inventory, checked against
# the 3CX advisory, says the Mac is affected (3CX Desktop App 18.12.416).
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"

ROOT="$RAMPART_TEST_DATA/apps/macroot"
ADV="$D3CX/3cx-csaf.json"

# A broken Info.plist is an error for that bundle only: the command still
# writes the inventory (exit 0, or 1 to say something could not be read).
"$RAMPART_AGENT" inventory --root "$ROOT" --format native \
    >"$TMP/mac.inventory.json" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	fail "inventory --format native: exit $rc"
	sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
fi
expect_grep "$TMP/err" "Broken.app/Contents/Info.plist" "broken plist named"

python3 - "$TMP/mac.inventory.json" <<'PY' || fail "native inventory content"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["rampart_inventory"] == 1, doc
sw = {s["name"]: s for h in doc["hosts"] for s in h.get("software", [])}
want = {
    "3CX Desktop App": ("18.12.416", "com.electron.3cx-desktop-app",
                        "/Applications/3CX Desktop App.app"),
    "Wireshark": ("4.0.4", "org.wireshark.Wireshark",
                  "/Applications/Utilities/Wireshark.app"),
    "Signal": ("6.12.0", "org.whispersystems.signal-desktop",
               "/Users/alice/Applications/Signal.app"),
}
for name, (version, bundle_id, path) in want.items():
    s = sw.get(name)
    assert s is not None, "%s missing: %s" % (name, sorted(sw))
    assert s["version"] == version, s
    assert s["bundle_id"] == bundle_id, s
    assert s["path"] == path, s
    assert s["source"] == "app_bundle", s
assert "Outside The Root" not in sw, "symlinked bundle was followed"
PY

# The same inventory as CycloneDX carries the bundle ID as a property.
"$RAMPART_AGENT" inventory --root "$ROOT" --format cyclonedx \
    >"$TMP/mac.cdx.json" 2>/dev/null
expect_grep "$TMP/mac.cdx.json" '"CycloneDX"' "CycloneDX marker"
expect_grep "$TMP/mac.cdx.json" "com.electron.3cx-desktop-app" \
    "CycloneDX bundle ID"

# End to end: the collected inventory against the 3CX advisory.
for inv in "$TMP/mac.inventory.json" "$TMP/mac.cdx.json"; do
	expect_exit 1 "check $(basename "$inv")" -- "$RAMPART_BIN" check \
	    --json --advisory "$ADV" --inventory "$inv"
	python3 - "$TMP/out" <<'PY' || fail "check $(basename "$inv"): verdict"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["summary"]["affected"] == 1, doc["summary"]
text = json.dumps(doc)
assert "3CX Desktop App" in text and "18.12.416" in text, text[:2000]
# The host is a Mac (SystemVersion.plist), so the macOS build matches.
host = doc["hosts"][0]
assert host["os"] == "macOS" and host["os_version"] == "13.2", host
assert host["results"][0]["product_id"] == "CSAFPID-MAC-18.12.416", host
PY
done

finish
