#!/bin/sh
# Runs the benchmarks against BUILD (default build/) and prints their
# results; bench/RESULTS.md records a run with the machine it ran on.
# The sweep benchmark (bench/sweep.sh) comes next: it generates a 4 GB tree
# under /work/bench-tree (SWEEP_DIR) on its first run and takes minutes.
# Last, rampartd's API under 200 clients (bench/server.sh, 2 minutes on
# SQLite and 2 on PostgreSQL; SERVER=0 leaves it out).
# With OLD=path/to/an/earlier/build (bench/RESULTS.md says how the one at
# 2de7a93 is built) the base matching case also runs on that build's
# bench_match, side by side on the same input (bench/match_vs.sh), with
# the instruction counts under valgrind when CALLGRIND=hosts is set; and
# the CSAF case runs on its rampart.
#
#   [OLD=DIR [CALLGRIND=N]] sh bench/run.sh [BUILD]
set -eu
build=${1:-build}
exe="$build/bench/bench_match"
[ -x "$exe" ] || { echo "bench: $exe missing; run 'make build'" >&2; exit 1; }

echo "== matching: hosts x 1000 packages against advisory products"
if [ -n "${OLD:-}" ]; then
	echo "-- base, this build against $OLD"
	sh "$(dirname "$0")/match_vs.sh" "$build" "$OLD" 10000 1000 10000 3
fi
echo "-- base, then hosts x2, x4"
for h in 10000 20000 40000; do "$exe" "$h" 1000 10000; done
echo "-- advisory products x2, x4"
for p in 20000 40000; do "$exe" 10000 1000 "$p"; done

echo "== CSAF validation: 100 000 product IDs colliding in FNV-1a vs ordinary"
if [ -n "${OLD:-}" ]; then
	OLD="$OLD/src/cli/rampart" sh "$(dirname "$0")/csaf_ids.sh" "$build"
else
	sh "$(dirname "$0")/csaf_ids.sh" "$build"
fi

echo "== sweep: rampart-agent sweep against sha256sum, fdfind, find, yara"
sh "$(dirname "$0")/sweep.sh" "$build" "${SWEEP_DIR:-/work/bench-tree}"

if [ "${SERVER:-1}" != 0 ]; then
	echo "== rampartd API: 200 clients, SQLite then PostgreSQL"
	sh "$(dirname "$0")/server.sh" "$build"
fi
