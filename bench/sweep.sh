#!/bin/sh
# The agent sweep benchmark: rampart-agent sweep side by side with
# sha256sum, fdfind, find and yara on one generated tree, warm and cold.
# Generates the tree first when DIR has none (bench/gen_tree.py, about 4 GB
# outside the repository), then runs bench/sweep_bench.py; the results go
# to DIR/results/ and bench/RESULTS.md records a run.  Cold runs drop the
# system's page cache (root), else evict the tree file by file.
#
#   sh bench/sweep.sh [BUILD] [DIR] [sweep_bench.py options...]
# RAMPART names the CLI that builds the bundles (default BUILD's rampart;
# without 'rampart bundle' gen_tree.py writes the same JSON itself).
#   e.g. sh bench/sweep.sh build /work/bench-tree --reps 5 --cases hash,walk
set -eu
here=$(dirname "$0")
build=${1:-build}
dir=${2:-/work/bench-tree}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
for t in find xargs sha256sum fdfind yara fincore python3; do
	command -v "$t" >/dev/null 2>&1 ||
		{ echo "bench-sweep: $t missing (make deps)" >&2; exit 1; }
done
if [ ! -f "$dir/manifest.json" ]; then
	python3 "$here/gen_tree.py" --out "$dir" \
		--rampart "${RAMPART:-$build/src/cli/rampart}"
fi
exec python3 "$here/sweep_bench.py" --build "$build" --dir "$dir" "$@"
