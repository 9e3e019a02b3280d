#!/bin/sh
# Renders N (default 1 000 000) generated indicators in every blocklist
# format, one process per format (so each peak RSS is that format's own),
# and prints a Markdown table for bench/RESULTS.md.
# Usage: sh bench/blocklist.sh [BUILD_DIR] [N]
set -eu
build=${1:-build}
n=${2:-1000000}
bin="$build/bench/bench_blocklist"
[ -x "$bin" ] || { echo "build $bin first (ninja -C $build)" >&2; exit 2; }
formats=$("$build/src/cli/rampart" blocklist render --help |
	sed -n '/^formats/,/^$/p' | sed '1d' |
	sed 's/ ([0-9]*)//g' | tr -s ' ' '\n' | grep -v '^$')
echo "| format | entries | add s | render s | output MiB | written | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in $formats; do
	"$bin" "$n" "$f" | awk '{ printf "| %s | %d | %.2f | %.2f | %.1f | %d | %.0f |\n",
		$1, $2, $3, $4, $5 / 1048576, $6, $7 / 1024 }'
done
