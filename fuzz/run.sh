#!/bin/sh
# Runs every libFuzzer target built in BUILD for SECONDS each, starting
# from (and adding to) its corpus in fuzz/corpus/<target>/.  New inputs go
# to a scratch corpus so the checked-in seeds stay small and reviewed.
set -u
build=${1:-build-fuzz}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}
rc=0
for exe in "$build"/fuzz/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	name=$(basename "$exe")
	mkdir -p "$work/$name"
	echo "fuzz: $name for ${seconds}s"
	if ! "$exe" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/$name-" \
	    "$work/$name" "$here/corpus/$name" >"$work/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; see $work/$name.log" >&2
		tail -n 30 "$work/$name.log" >&2
		rc=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "$work/$name.log" | tail -n 2
	fi
done
exit $rc
