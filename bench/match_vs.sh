#!/bin/sh
# The matcher of this build against an earlier build on the same generated
# input, in one run (bench/RESULTS.md says how the one at 2de7a93 is
# built): `bench_match HOSTS PACKAGES PRODUCTS` of each, REPS times with the
# order alternating; the best check_s of each and their ratio (and of
# check_cpu_s, the checks' CPU time, when both print it), user CPU time
# and peak RSS of each process, and whether both decided the same
# (matched and affected counts, and the per-rule counts and result digest
# when both print them).  The machine may be shared: with CALLGRIND=H the
# instructions executed in matcher_check_host() are also counted under
# valgrind for H hosts, a measure the load of other processes cannot move.
#
#   sh bench/match_vs.sh BUILD OLD_BUILD [HOSTS PACKAGES PRODUCTS [REPS]]
set -eu
build=$1
old=$2
hosts=${3:-10000}
pkgs=${4:-1000}
prods=${5:-10000}
reps=${6:-3}
here=$(dirname "$0")
new_exe="$build/bench/bench_match"
old_exe="$old/bench/bench_match"
for x in "$new_exe" "$old_exe"; do
	[ -x "$x" ] || { echo "bench: $x missing" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "matching $hosts hosts x $pkgs packages against $prods products," \
	"$reps runs each, alternating"
i=1
while [ "$i" -le "$reps" ]; do
	if [ $((i % 2)) -eq 1 ]; then order="old new"; else order="new old"; fi
	for which in $order; do
		if [ "$which" = old ]; then exe=$old_exe; else exe=$new_exe; fi
		python3 "$here/measure.py" --out "$tmp/$which.$i.out" -- \
			"$exe" "$hosts" "$pkgs" "$prods" >"$tmp/$which.$i.m"
	done
	i=$((i + 1))
done

python3 - "$tmp" "$reps" <<'PY'
import json, re, sys
tmp, reps = sys.argv[1], int(sys.argv[2])
runs = {}
for which in ("old", "new"):
    runs[which] = []
    for i in range(1, reps + 1):
        out = open(f"{tmp}/{which}.{i}.out").read()
        m = json.load(open(f"{tmp}/{which}.{i}.m"))
        if m["rc"] != 0:
            sys.exit(f"bench: the {which} bench_match failed")
        f = dict(re.findall(r"(\w+)=([0-9.a-f]+)", out))
        rest = "\n".join(l for l in out.splitlines()[1:]
                         if not l.startswith("check_cpu_s="))
        runs[which].append((float(f["check_s"]), m["user"], m["maxrss_kb"],
                            f["matched"], f["affected"], rest,
                            float(f.get("check_cpu_s", "nan"))))
for which in ("old", "new"):
    r = runs[which]
    print(f"{which}: check_s " + " ".join(f"{x[0]:.3f}" for x in r) +
          f"; check_cpu_s " + " ".join(f"{x[6]:.3f}" for x in r) +
          f"; user CPU (whole process) " + " ".join(f"{x[1]:.2f}" for x in r) +
          f"; peak RSS {max(x[2] for x in r) / 1024:.1f} MiB; "
          f"matched {r[0][3]}, affected {r[0][4]}")
bo = min(x[0] for x in runs["old"])
bn = min(x[0] for x in runs["new"])
print(f"ratio (best check_s old / new): {bo / bn:.1f}x")
co = min(x[6] for x in runs["old"])
cn = min(x[6] for x in runs["new"])
if co == co and cn == cn:  # both print the checks' CPU time
    print(f"ratio (best check_cpu_s old / new): {co / cn:.1f}x")
same = all(x[3:5] == runs["old"][0][3:5] for x in runs["old"] + runs["new"])
print("same matched and affected counts: " + ("yes" if same else "NO"))
ro, rn = runs["old"][0][5], runs["new"][0][5]
if ro and rn:
    print("same verdicts, rules and digest: " + ("yes" if ro == rn else "NO"))
print(rn)
if not same or (ro and rn and ro != rn):
    sys.exit(1)
PY

if [ -n "${CALLGRIND:-}" ]; then
	command -v valgrind >/dev/null || { echo "bench: no valgrind" >&2; exit 1; }
	# H and 2H hosts: the difference is what each further host costs
	# (the first hosts also fill the identity cache).
	for which in old new; do
		if [ "$which" = old ]; then exe=$old_exe; else exe=$new_exe; fi
		for nh in "$CALLGRIND" $((2 * CALLGRIND)); do
			valgrind --tool=callgrind --toggle-collect=matcher_check_host \
				--callgrind-out-file="$tmp/cg.$which.$nh" \
				"$exe" "$nh" "$pkgs" "$prods" >/dev/null 2>"$tmp/cg.err"
			printf '%s %s ' "$which" "$nh" >>"$tmp/cg"
			grep -o 'refs: *[0-9,]*' "$tmp/cg.err" | tr -d ', ' |
				sed 's/refs://' >>"$tmp/cg"
		done
	done
	awk -v h="$CALLGRIND" -v p="$pkgs" '
		{ n[$1, $2] = $3 }
		END {
			o1 = n["old", h]; o2 = n["old", 2 * h]
			n1 = n["new", h]; n2 = n["new", 2 * h]
			printf "instructions in matcher_check_host for %d hosts: old %d, new %d, ratio %.1fx\n", h, o1, n1, o1 / n1
			printf "per package from host %d to %d: old %.0f, new %.0f, ratio %.1fx\n", h, 2 * h, (o2 - o1) / (h * p), (n2 - n1) / (h * p), (o2 - o1) / (n2 - n1)
		}' "$tmp/cg"
fi
