#!/bin/sh
# CSAF validation with product IDs crafted to collide in unseeded FNV-1a
# (tests/gen/fnv_collide.c) against the same document with ordinary IDs:
# wall time, CPU time and peak RSS of `rampart advisory validate` on each,
# and their ratio.  With OLD=path/to/old/rampart the same runs for that
# binary too (bench/RESULTS.md says how the one at 2de7a93 is built).
# The documents are generated into a temporary directory, never kept.
#
#   sh bench/csaf_ids.sh [BUILD] [N]
set -eu
build=${1:-build}
n=${2:-100000}
here=$(dirname "$0")
gen="$build/tests/gen/gen_csaf_ids"
rampart="$build/src/cli/rampart"
for x in "$gen" "$rampart"; do
	[ -x "$x" ] || { echo "bench: $x missing; run 'make build'" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$n" collide "$tmp/collide.json"
"$gen" "$n" ordinary "$tmp/ordinary.json"
size=$(wc -c <"$tmp/ordinary.json")
echo "documents: $n product IDs, $size bytes each"

run() { # binary label
	for kind in ordinary collide; do
		python3 "$here/measure.py" --out "$tmp/$kind.out" -- \
			"$1" advisory validate "$tmp/$kind.json" >"$tmp/$kind.m"
		grep -q ": valid CSAF" "$tmp/$kind.out" ||
			{ echo "bench: $2 did not validate the $kind document" >&2; cat "$tmp/$kind.out" >&2; exit 1; }
	done
	python3 - "$2" "$size" "$tmp/ordinary.m" "$tmp/collide.m" <<'PY'
import json, sys
label, size = sys.argv[1], int(sys.argv[2])
o, c = (json.load(open(p)) for p in sys.argv[3:5])
print(f"{label}: ordinary {o['wall']:.2f} s ({o['user']:.2f} s user), "
      f"colliding {c['wall']:.2f} s ({c['user']:.2f} s user), "
      f"ratio {c['wall'] / o['wall']:.2f}; "
      f"peak RSS {o['maxrss_kb'] / 1024:.0f} / {c['maxrss_kb'] / 1024:.0f} MiB "
      f"= {o['maxrss_kb'] * 1024 / size:.1f}x / {c['maxrss_kb'] * 1024 / size:.1f}x the file")
PY
}
run "$rampart" "this build"
if [ -n "${OLD:-}" ]; then
	run "$OLD" "old ($OLD)"
fi
