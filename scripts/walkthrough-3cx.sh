#!/bin/sh
# The 3CX case, offline: what `make run` shows.
#
#   sh scripts/walkthrough-3cx.sh BUILDDIR
#
# Uses the fixtures in tests/data/3cx (see its README.md).
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 1
RAMPART="$BUILD/src/cli/rampart"
AGENT="$BUILD/src/agent/rampart-agent"
DATA=tests/data/3cx
SHARED=../shared/data/3cx
if [ ! -x "$RAMPART" ] || [ ! -x "$AGENT" ]; then
	echo "walkthrough: $RAMPART or $AGENT not found; build first" \
	    "(make build)" >&2
	exit 2
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rampart-walkthrough.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

step() {
	printf '\n==> %s\n' "$1"
	shift
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
	printf '\n'
}

run() {
	printf '$ %s\n' "$*"
	"$@"
	rc=$?
	printf '[exit status %d]\n' "$rc"
	return 0
}

step "1. Validate the advisory" \
    "3cx-csaf.json is a CSAF 2.0 advisory for CVE-2023-29059. Rampart checks" \
    "it against the schema's structure and the CSAF mandatory tests; any" \
    "error would name the test (e.g. 6.1.6) and the JSON pointer."
run "$RAMPART" advisory validate "$DATA/3cx-csaf.json"

step "   ...and one that is broken on purpose" \
    "broken-csaf.json contradicts itself (6.1.6), names an undefined product" \
    "(6.1.1) and has a tracking version without revision (6.1.16): exit 1."
run "$RAMPART" advisory validate "$DATA/broken-csaf.json"

step "2. Read it" \
    "Products per status, per platform: the same build number can be" \
    "affected on macOS and clean on Windows (18.11.1213)."
run "$RAMPART" advisory show "$DATA/3cx-csaf.json"

step "3. Check five machines of two customers" \
    "Inventories in Rampart's native JSON (CycloneDX 1.5 copies are next to" \
    "them). Windows reports 18.12.416 as 18.12.416.0: the same build." \
    "Exit status 1 means at least one host is affected."
run "$RAMPART" check --advisory "$DATA/3cx-csaf.json" \
    --inventory "$DATA"/*.inventory.json

step "4. The same for scripts" \
    "--json gives a stable shape (docs/cli.md); here, one line per host."
"$RAMPART" check --json --advisory "$DATA/3cx-csaf.json" \
    --inventory "$DATA"/*.cdx.json >"$WORK/check.json"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$WORK/check.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for h in doc["hosts"]:
    print("    %-16s %-20s %s" % (h["name"], h["os"] + " " + (h["os_version"] or ""), h["verdict"]))
print("    summary:", json.dumps(doc["summary"]))
PY
else
	cat "$WORK/check.json"
fi

step "5. The agent: inventory of a Mac disk image" \
    "tests/data/apps/macroot is laid out like a Mac's disk: the agent reads" \
    "every Applications/*.app Info.plist (XML or binary) and the macOS" \
    "version, and its inventory goes straight into rampart check. The image" \
    "also holds a broken plist and a symlinked app on purpose: both are" \
    "reported (exit 1) and the rest is still read."
run "$AGENT" inventory --root tests/data/apps/macroot --format native \
    --output "$WORK/mac.json"
run "$RAMPART" check --advisory "$DATA/3cx-csaf.json" \
    --inventory "$WORK/mac.json"

if [ -d "$SHARED" ]; then
	step "6. A rules bundle for the agents" \
	    "The advisory's indicators, the published Sophos and Volexity lists" \
	    "and Volexity's YARA rules in one file; the rules are compiled here," \
	    "so a broken one is reported with file and line before any agent" \
	    "sees it."
	run "$RAMPART" bundle --advisory "$DATA/3cx-csaf.json" \
	    --indicators "$SHARED/volexity-iocs.csv" \
	    --indicators "$SHARED/sophos-3CX-IoCs-2023-03.csv" \
	    --yara "$SHARED/volexity-rules.yar" -o "$WORK/bundle.json"

	# A harmless file carrying the byte pattern of Volexity's rule for
	# the backdoored ffmpeg.dll (wildcards as zeros): not malware, but
	# the rule matches it as it would the real library.
	mkdir -p "$WORK/pc/AppData/Local/Programs/3CXDesktopApp/app"
	python3 - "$SHARED/volexity-rules.yar" \
	    "$WORK/pc/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
r = t[t.index("rule apt_win_3cx_backdoored_lib"):]
hexs = re.search(r"\$shellcode\s*=\s*\{(.*?)\}", r, re.S).group(1).split()
body = bytes(0 if h == "??" else int(h, 16) for h in hexs)
open(sys.argv[2], "wb").write(b"MZ" + bytes(200) + body + bytes(200))
PY
	printf 'an ordinary file\n' >"$WORK/pc/notes.txt"

	step "7. Sweep, quarantine, restore" \
	    "The sweep finds the file by the YARA rule and moves it into the" \
	    "quarantine store (compressed, not executable); restore puts it back" \
	    "byte-identical with its mode, owner and times."
	run "$AGENT" sweep --no-cache --rules "$WORK/bundle.json" \
	    --quarantine --store "$WORK/store" --json "$WORK/sweep.json" \
	    "$WORK/pc"
	run "$AGENT" quarantine --store "$WORK/store" list
	ID=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["quarantine"][0]["id"])' "$WORK/sweep.json")
	run "$AGENT" quarantine --store "$WORK/store" restore "$ID"
	run ls -l "$WORK/pc/AppData/Local/Programs/3CXDesktopApp/app"
fi

step "Done" \
    "Expected: ws-acct-01 (Windows, 18.12.416.0) affected; ws-reception-03" \
    "(Windows, 18.11.1213) not affected; mac-design-02 (macOS, 18.11.1213)" \
    "affected; mac-ceo-01 (macOS, 18.12.422) fixed; pbx-01 (Debian, PBX)" \
    "not affected. The Mac image is affected (macOS product, 18.12.416);" \
    "the planted ffmpeg.dll is found by apt_win_3cx_backdoored_lib," \
    "quarantined and restored."
exit 0
