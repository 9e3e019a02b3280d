# Shared helpers of the integration tests: where things are, and checks
# that say what went wrong.  Sourced by each test script.
set -u
: "${RAMPART_BIN:?RAMPART_BIN must name the rampart binary}"
: "${RAMPART_TEST_DATA:?RAMPART_TEST_DATA must name tests/data}"
D3CX="$RAMPART_TEST_DATA/3cx"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-it.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_exit CODE DESCRIPTION -- COMMAND...: runs it, output to $TMP/out
# and $TMP/err, and checks the exit status.
expect_exit() {
	want=$1
	what=$2
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, expected $want"
		sed 's/^/  stdout: /' "$TMP/out" | head -20 >&2
		sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
	fi
}

# expect_grep FILE PATTERN DESCRIPTION
expect_grep() {
	if ! grep -q -e "$2" "$1"; then
		fail "$3: '$2' not in output"
		sed 's/^/  | /' "$1" | head -20 >&2
	fi
}

# start_running CMD...: starts CMD in the background, sets $pid, and
# returns once CMD runs.  The helper opens a FIFO close-on-exec and execs
# CMD; the exec closes it, so the read here ends exactly then (also when
# the exec fails: the caller checks what runs).  No polling, no sleeps.
start_running() {
	rm -f "$TMP/exec-ready"
	mkfifo "$TMP/exec-ready" || exit 1
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CLOEXEC)
os.execv(sys.argv[2], sys.argv[2:])' "$TMP/exec-ready" "$@" &
	pid=$!
	cat "$TMP/exec-ready"
	rm -f "$TMP/exec-ready"
}

finish() {
	if [ "$failures" -gt 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
