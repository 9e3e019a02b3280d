#!/bin/sh
# Crash safety of the quarantine: the agent is SIGKILLed at every named
# step of `quarantine add` and `quarantine restore` (the
# RAMPART_QUARANTINE_CRASH_AT test hook), and at times spread over the
# whole run of an add of a large file.  After each kill the file must be
# in its place byte-identical, or listed in the store and restorable
# byte-identical -- never missing from both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
# The hook is only in the test build of the agent (never shipped).
: "${RAMPART_AGENT_CRASHTEST:?RAMPART_AGENT_CRASHTEST must name the test agent}"
RAMPART_AGENT=$RAMPART_AGENT_CRASHTEST

ADD_STEPS="add-opened add-rpq-partial add-rpq-written add-rpq-synced
add-verified add-rpq-renamed add-rpq-dir-synced add-json-written
add-json-synced add-json-renamed add-committed add-killed add-unlinked
add-done"
RESTORE_STEPS="restore-temp-written restore-temp-synced restore-renamed
restore-dir-synced restore-json-removed restore-done"
RANDOM_KILLS=${RAMPART_CRASH_KILLS:-32}

mkdir "$TMP/victim"
F="$TMP/victim/payload.bin"
head -c 48000000 /dev/urandom >"$TMP/ref"
chmod 0751 "$TMP/ref"
touch -d '2022-05-06 07:08:09.987654321' "$TMP/ref"
META=$(meta "$TMP/ref")

fresh() {
	rm -f "$F"
	cp -p "$TMP/ref" "$F"
}

# check WHAT: the file is in place, or restorable; leaves it in place
# and the store empty for the next round.
check() {
	ids=$(entries_for "$F") || {
		fail "$1: list failed"
		return
	}
	store_clean "$1"
	if [ -e "$F" ]; then
		cmp -s "$F" "$TMP/ref" || fail "$1: file in place but differs"
		for id in $ids; do
			qa show "$id" | grep -q 'original-present' ||
				fail "$1: entry $id not marked original-present"
			qa purge "$id" >/dev/null || fail "$1: purge $id"
		done
	else
		n=$(echo "$ids" | grep -c .)
		if [ "$n" -ne 1 ]; then
			fail "$1: file gone and $n entries for it: LOST"
			return
		fi
		qa restore "$ids" >"$TMP/rout" 2>&1 ||
			fail "$1: restore failed: $(cat "$TMP/rout")"
		cmp -s "$F" "$TMP/ref" || fail "$1: restored file differs"
	fi
	[ "$(meta "$F")" = "$META" ] || fail "$1: metadata $(meta "$F")"
	for f in "$TMP"/victim/.rampart-restore-*; do
		[ -e "$f" ] && fail "$1: restore temporary $f left"
	done
	[ -z "$(entries_for "$F")" ] || fail "$1: entries left over"
	rm -f "$F"
}

# killed_at STEP CMD...: runs CMD with the crash hook; it must die.
killed_at() {
	step=$1
	shift
	RAMPART_QUARANTINE_CRASH_AT=$step "$@" >/dev/null 2>&1
	st=$?
	[ "$st" -eq 137 ] || fail "$step: not killed at the step (exit $st)"
}

for step in $ADD_STEPS; do
	fresh
	killed_at "$step" qa add --kill "$F"
	check "add/$step"
done

for step in $RESTORE_STEPS; do
	fresh
	qa add "$F" >/dev/null || fail "restore/$step: add"
	id=$(entries_for "$F")
	killed_at "$step" qa restore "$id"
	check "restore/$step"
done

# SIGKILL at times spread over a whole add (measured first)
fresh
dur=$(python3 "$QHELP" measure "$RAMPART_AGENT" quarantine add "$F") ||
	fail "measuring an add"
check "measured add"
i=0
killed=0
while [ $i -lt "$RANDOM_KILLS" ]; do
	fresh
	delay=$(python3 -c "print($dur * ($i + 0.5) / $RANDOM_KILLS)")
	res=$(python3 "$QHELP" run "$delay" "$RAMPART_AGENT" quarantine \
	    add "$F")
	[ "$res" = killed ] && killed=$((killed + 1))
	check "kill after ${delay}s ($res)"
	i=$((i + 1))
done
# How many runs died midway depends on the machine's speed, so it is
# reported, not asserted: the named steps above reach every step for sure.
echo "add took ${dur}s; $killed of $RANDOM_KILLS runs were killed midway"

finish
