# Helpers of the quarantine integration tests (sourced after lib.sh):
# a private store, the entries for a path, and file metadata to compare.
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"
RAMPART_QUARANTINE_DIR="$TMP/store"
export RAMPART_QUARANTINE_DIR
unset RAMPART_QUARANTINE_CRASH_AT
QHELP="$(dirname "$0")/quarantine_helper.py"

qa() {
	"$RAMPART_AGENT" quarantine "$@"
}

# entries_for PATH [STATE]: the ids of the entries whose original path is
# PATH (and whose state is STATE), one a line.
entries_for() {
	qa list --json >"$TMP/list.json" || return 1
	python3 "$QHELP" entries "$TMP/list.json" "$1" "${2:-}"
}

# meta FILE: mode, owner, size and modification time (ns) of FILE.
meta() {
	stat -c '%a %u %g %s %y' "$1"
}

# store_clean: no temporaries and no content without a record.
store_clean() {
	for f in "$RAMPART_QUARANTINE_DIR"/.tmp-*; do
		[ -e "$f" ] && fail "$1: temporary $f left in the store"
	done
	for f in "$RAMPART_QUARANTINE_DIR"/*.rpq; do
		[ -e "$f" ] || continue
		[ -e "${f%.rpq}.json" ] || fail "$1: $f has no record"
	done
}
