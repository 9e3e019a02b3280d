#!/bin/sh
# A dpkg status file far over the cap (1 GiB, sparse: it costs the
# attacker nothing) is refused before it is read: the agent's peak
# memory stays far below the cap (128 MiB) that reading it would reach,
# and the refusal names the file.  The same holds for the status.d
# parts.  A normal status file next to it is still read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"

# peak_kb CMD...: runs CMD (output to $TMP/out, $TMP/err) and prints the
# peak resident set of the child in KiB.
peak_kb() {
	python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "wb") as o, open(sys.argv[2], "wb") as e:
    subprocess.run(sys.argv[3:], stdout=o, stderr=e)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$TMP/out" "$TMP/err" "$@"
}
LIMIT_KB=65536 # half the cap: reading would need the whole cap at least

R="$U/root"
as_attacker mkdir -p "$R/var/lib/dpkg/status.d"
as_attacker truncate -s 1G "$R/var/lib/dpkg/status"
kb=$(peak_kb "$RAMPART_AGENT" inventory --root "$R" --only dpkg \
    --format native)
expect_grep "$TMP/err" "status: larger than" "oversized status named"
[ "$kb" -lt "$LIMIT_KB" ] ||
	fail "refusing a 1 GiB status file peaked at $kb KiB"

as_attacker rm "$R/var/lib/dpkg/status"
as_attacker sh -c "printf 'Package: hello\nStatus: install ok installed\n\
Version: 2.10-3\nArchitecture: amd64\n\n' >'$R/var/lib/dpkg/status'"
as_attacker truncate -s 1G "$R/var/lib/dpkg/status.d/big"
kb=$(peak_kb "$RAMPART_AGENT" inventory --root "$R" --only dpkg \
    --format native)
expect_grep "$TMP/err" "big: too large" "oversized status.d part named"
expect_grep "$TMP/out" '"hello"' "the normal status file still read"
[ "$kb" -lt "$LIMIT_KB" ] ||
	fail "refusing a 1 GiB status.d part peaked at $kb KiB"
finish
