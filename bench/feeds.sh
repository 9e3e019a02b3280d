#!/bin/sh
# A blocklist feed of 1 000 000 entries served by rampartd to 100
# parallel pollers, side by side with the same bytes served by a static
# file server (Python's http.server, threaded, over TLS) on this
# machine: 304 answers per second (If-None-Match; If-Modified-Since for
# the reference) and full answers per second.  bench/feeds_bench.py does
# the run and prints the table; bench/RESULTS.md records runs.
#
#   [BENCH_ENTRIES=N] [BENCH_CONNECTIONS=N] [BENCH_SECONDS=N] \
#       sh bench/feeds.sh [BUILD]
#
# Needs root (rampartd drops to the service user), wrk, openssl and
# python3.  The store is SQLite.
set -eu
build=${1:-build}
here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
exe="$build/src/server/rampartd"
[ -x "$exe" ] || { echo "bench-feeds: $exe missing; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
for t in wrk python3 openssl; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench-feeds: $t is missing (scripts/setup-deps.sh installs it)" >&2
		exit 1
	}
done
[ "$(id -u)" -eq 0 ] || { echo "bench-feeds: run as root (rampartd's roles drop to the user rampart)" >&2; exit 1; }
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rampartd: $exe ($(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))"
exec python3 "$here/feeds_bench.py" "$build" \
	--entries "${BENCH_ENTRIES:-1000000}" \
	--connections "${BENCH_CONNECTIONS:-100}" \
	--seconds "${BENCH_SECONDS:-20}"
