#!/bin/sh
# rampartd's API under many concurrent clients: one rampartd on SQLite,
# then one on PostgreSQL (a private server that scripts/pg-test.sh starts
# and removes), each set up through the API and loaded by wrk with
# bench/server_load.lua (lists and shows mixed with writes) for
# BENCH_SECONDS (default 120) from BENCH_CONNECTIONS (default 200) keep-alive
# HTTPS clients on 2 threads.  bench/server_bench.py does one run and
# prints its table; bench/RESULTS.md records runs with the machine.
#
#   [BENCH_SECONDS=N] [BENCH_CONNECTIONS=N] [BENCH_STORES="sqlite pg"] \
#       [BENCH_JSON=FILE] sh bench/server.sh [BUILD]
#
# All clients come from 127.0.0.1, and http.per_ip_connections (default
# 64) would refuse most of them; the runs set it to BENCH_PER_IP (default
# 256, through RAMPART_HTTP_PER_IP_CONNECTIONS) — a deployment behind one
# proxy address needs the same.  Needs root (rampartd drops to the
# service user `rampart`), wrk and python3.  Exits non-zero if any
# request of any run failed.
set -eu
build=${1:-build}
here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
seconds=${BENCH_SECONDS:-120}
conns=${BENCH_CONNECTIONS:-200}
per_ip=${BENCH_PER_IP:-256}
stores=${BENCH_STORES:-sqlite pg}

exe="$build/src/server/rampartd"
[ -x "$exe" ] || { echo "bench-server: $exe missing; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
for t in wrk python3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench-server: $t is missing (scripts/setup-deps.sh installs it)" >&2
		exit 1
	}
done
[ "$(id -u)" -eq 0 ] || { echo "bench-server: run as root (rampartd's roles drop to the user rampart)" >&2; exit 1; }

set -- --seconds "$seconds" --connections "$conns" --per-ip "$per_ip"
[ -n "${BENCH_JSON:-}" ] && set -- "$@" --json "$BENCH_JSON"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rampartd: $exe ($(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))"
rc=0
for s in $stores; do
	case $s in
	sqlite)
		echo "== rampartd API, SQLite: $conns clients for $seconds s"
		python3 "$here/server_bench.py" "$build" "$@" || rc=1
		;;
	pg | postgresql)
		echo "== rampartd API, PostgreSQL: $conns clients for $seconds s"
		sh "$top/scripts/pg-test.sh" python3 "$here/server_bench.py" "$build" "$@" || rc=1
		;;
	*)
		echo "bench-server: unknown store '$s' (sqlite, pg)" >&2
		exit 1
		;;
	esac
done
exit $rc
