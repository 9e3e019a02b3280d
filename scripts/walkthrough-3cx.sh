#!/bin/sh
# The 3CX case, offline, in four steps: what `make run` shows.
#
#   sh scripts/walkthrough-3cx.sh BUILDDIR
#
# Uses the fixtures in tests/data/3cx (see its README.md).
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 1
RAMPART="$BUILD/src/cli/rampart"
DATA=tests/data/3cx
if [ ! -x "$RAMPART" ]; then
	echo "walkthrough: $RAMPART not found; build first (make build)" >&2
	exit 2
fi

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
    --inventory "$DATA"/*.cdx.json >"${TMPDIR:-/tmp}/rampart-3cx.$$.json"
if command -v python3 >/dev/null 2>&1; then
	python3 - "${TMPDIR:-/tmp}/rampart-3cx.$$.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for h in doc["hosts"]:
    print("    %-16s %-20s %s" % (h["name"], h["os"] + " " + (h["os_version"] or ""), h["verdict"]))
print("    summary:", json.dumps(doc["summary"]))
PY
else
	cat "${TMPDIR:-/tmp}/rampart-3cx.$$.json"
fi
rm -f "${TMPDIR:-/tmp}/rampart-3cx.$$.json"

step "Done" \
    "Expected: ws-acct-01 (Windows, 18.12.416.0) affected; ws-reception-03" \
    "(Windows, 18.11.1213) not affected; mac-design-02 (macOS, 18.11.1213)" \
    "affected; mac-ceo-01 (macOS, 18.12.422) fixed; pbx-01 (Debian, PBX)" \
    "not affected."
exit 0
