#!/bin/sh
# The shipped agent carries no test hook: the quarantine's crash hook
# (RAMPART_QUARANTINE_CRASH_AT and its step names) is compiled only into
# rampart-agent-crashtest, which the crash tests use.  The test build is
# checked too, so this test fails if the names it looks for go stale.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"
: "${RAMPART_AGENT_CRASHTEST:?RAMPART_AGENT_CRASHTEST must name the test agent}"

for s in RAMPART_QUARANTINE_CRASH_AT add-rpq-synced restore-json-removed; do
	grep -q -a -F "$s" "$RAMPART_AGENT" &&
		fail "shipped agent contains the test hook string '$s'"
	grep -q -a -F "$s" "$RAMPART_AGENT_CRASHTEST" ||
		fail "test agent lacks '$s' (the check above is stale)"
done
# the hook does nothing in the shipped agent even when the variable is set
mkdir "$TMP/d"
printf 'x\n' >"$TMP/d/f"
RAMPART_QUARANTINE_CRASH_AT=add-opened expect_exit 0 "add with the hook \
variable set" -- "$RAMPART_AGENT" quarantine --store "$TMP/store" add "$TMP/d/f"
[ -e "$TMP/d/f" ] && fail "file not quarantined with the variable set"
finish
