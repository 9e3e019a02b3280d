#!/bin/sh
# rampartd under a fleet of simulated agents: one rampartd on SQLite,
# then one on PostgreSQL (a private server that scripts/pg-test.sh starts
# and removes).  bench/agents_sim.py enrols BENCH_AGENTS (default 1000)
# agents, each with its own Ed25519 key, and for BENCH_SECONDS (default
# 120) sends each one's signed heartbeat every 10 s and an inventory
# delta every ~60 s (each agent's first, full inventory of ~1000
# packages goes before the timed load, or with BENCH_RAMP=S within it,
# spread over its first S seconds); it
# prints requests/s, latency per route, rampartd's CPU and RSS and the
# errors.  With BENCH_IDLE_HOSTS=N (say 10000) each store also gets an
# idle run: N agents enrolled, then rampartd's RSS at rest.
# bench/RESULTS.md records runs with the machine.
#
#   [BENCH_AGENTS=N] [BENCH_SECONDS=N] [BENCH_STORES="sqlite pg"] \
#       [BENCH_RAMP=S] [BENCH_KEEPALIVE=1] [BENCH_IDLE_HOSTS=N] \
#       [BENCH_JSON=FILE] \
#       sh bench/agents.sh [BUILD]
#
# All agents come from 127.0.0.1: the runs raise http.per_ip_connections
# (and http.max_connections to the agents + 64 for BENCH_KEEPALIVE=1,
# one connection kept per agent) through the environment.  Needs root
# (rampartd drops to the service user `rampart`), python3 with
# python3-cryptography (scripts/setup-deps.sh).  Exits non-zero if any
# request of any run failed.
set -eu
build=${1:-build}
here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
agents=${BENCH_AGENTS:-1000}
seconds=${BENCH_SECONDS:-120}
stores=${BENCH_STORES:-sqlite pg}

exe="$build/src/server/rampartd"
[ -x "$exe" ] || { echo "bench-agents: $exe missing; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
python3 -c 'import cryptography.hazmat.primitives.asymmetric.ed25519' 2>/dev/null || {
	echo "bench-agents: python3-cryptography is missing (scripts/setup-deps.sh installs it)" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || { echo "bench-agents: run as root (rampartd's roles drop to the user rampart)" >&2; exit 1; }

set -- --agents "$agents" --seconds "$seconds"
[ -n "${BENCH_KEEPALIVE:-}" ] && set -- "$@" --keepalive
[ -n "${BENCH_RAMP:-}" ] && set -- "$@" --ramp "$BENCH_RAMP"
[ -n "${BENCH_JSON:-}" ] && set -- "$@" --json "$BENCH_JSON"
idle=
[ -n "${BENCH_IDLE_HOSTS:-}" ] && idle="--hosts $BENCH_IDLE_HOSTS --agents $BENCH_IDLE_HOSTS --idle"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rampartd: $exe ($(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))"
rc=0
for s in $stores; do
	case $s in
	sqlite) run= ;;
	pg | postgresql) run="sh $top/scripts/pg-test.sh" ;;
	*)
		echo "bench-agents: unknown store '$s' (sqlite, pg)" >&2
		exit 1
		;;
	esac
	echo "== rampartd, $s: $agents agents for $seconds s"
	$run python3 "$here/agents_sim.py" "$build" "$@" || rc=1
	if [ -n "$idle" ]; then
		echo "== rampartd, $s: RSS at rest after enrolling $BENCH_IDLE_HOSTS agents"
		# shellcheck disable=SC2086
		$run python3 "$here/agents_sim.py" "$build" $idle || rc=1
	fi
done
exit $rc
