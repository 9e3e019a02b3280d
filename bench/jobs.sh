#!/bin/sh
# How fast a signed job reaches a fleet: bench/jobs_sim.py on one
# rampartd on SQLite, then on a private PostgreSQL (scripts/pg-test.sh).
# BENCH_AGENTS (default 1000) simulated agents hold long polls; an
# msp-admin creates one job on all of them, BENCH_ROUNDS (default 3)
# times; it prints the create request's time (every host signed by the
# signer role and queued), and per agent the time to `running` and to
# `done` acknowledged, p50 / p99 / max.  bench/RESULTS.md records runs.
#
#   [BENCH_AGENTS=N] [BENCH_ROUNDS=N] [BENCH_STORES="sqlite pg"] \
#       sh bench/jobs.sh [BUILD]
#
# Needs root (rampartd's roles drop to their users) and
# python3-cryptography (scripts/setup-deps.sh).  Exits non-zero if any
# run had an error or an agent without its job.
set -eu
build=${1:-build}
here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
agents=${BENCH_AGENTS:-1000}
rounds=${BENCH_ROUNDS:-3}
stores=${BENCH_STORES:-sqlite pg}
[ -x "$build/src/server/rampartd" ] || { echo "bench-jobs: $build/src/server/rampartd missing; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "bench-jobs: run as root" >&2; exit 1; }
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rampartd: $build/src/server/rampartd ($(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))"
rc=0
for s in $stores; do
	case $s in
	sqlite) run= ;;
	pg | postgresql) run="sh $top/scripts/pg-test.sh" ;;
	*)
		echo "bench-jobs: unknown store '$s' (sqlite, pg)" >&2
		exit 1
		;;
	esac
	echo "== $s: one job on $agents agents, $rounds rounds"
	$run python3 "$here/jobs_sim.py" "$build" --agents "$agents" --rounds "$rounds" || rc=1
done
exit $rc
