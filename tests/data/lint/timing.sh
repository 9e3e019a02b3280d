#!/bin/sh
# Fixture of scripts/lint-checks.py: lines marked "reject" are flagged.
t0=$(date +%s)
run_something
t1=$(date +%s)
[ $((t1 - t0)) -lt 5 ] || fail "too slow" # reject
[ "$SECONDS" -le 10 ] || fail "too slow" # reject
if [ "$(date +%s%N)" -gt "$deadline" ]; then # reject
	:
fi
# benign: a timestamp in a fixture, a duration printed, counts compared
touch -d "@$(date +%s)" "$TMP/f"
echo "took $((t1 - t0)) s"
[ "$n" -lt 5 ] || fail "too many"
