#!/bin/sh
# --kill and hard links: an unprivileged user hard-links a program the
# sweep will match into a directory the sweep never sees, and runs it
# through that other name.  Quarantining the swept name with --kill must
# not kill through a file with other links: the process is named as not
# killed (text and JSON) and keeps running, and the file is still
# quarantined.  --kill-hardlinked kills it.  A program with one link is
# killed by --kill as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"
. "$(dirname "$0")/attack_lib.sh"
HELP="$(dirname "$0")/attack_helper.py"

as_attacker mkdir "$U/swept" "$U/hidden" "$U/single"
as_attacker cp /bin/sleep "$U/swept/prog"
as_attacker ln "$U/swept/prog" "$U/hidden/other"
B=$(bundle_for "$(sha /bin/sleep)")

# start NAME: runs NAME as the attacker; $PID is its pid, fd 3 its end.
start() {
	rm -f "$TMP/ev"
	mkfifo "$TMP/ev"
	python3 "$HELP" spawn "$ATTACKER" "$ATTACKER_GROUP" "$1" 1000 \
	    >"$TMP/ev" &
	exec 3<"$TMP/ev"
	read -r _ PID <&3
}
# ended: how the started process ended ("signal 9", ...), waiting for it.
ended() {
	read -r how n <&3
	exec 3<&-
	echo "$how $n"
}
jget() {
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# 1. --kill, two links: not killed, reported, file still quarantined.
start "$U/hidden/other"
expect_exit 1 "sweep --kill, hard-linked" -- "$RAMPART_AGENT" sweep \
    --no-cache --no-processes --rules "$B" --quarantine --kill \
    --store "$RAMPART_QUARANTINE_DIR" --json "$TMP/r1.json" -v "$U/swept"
expect_grep "$TMP/err" "process $PID runs this file but was not terminated" \
    "spared process named"
expect_grep "$TMP/out" "^quarantined .*swept/prog as " "prog quarantined"
[ "$(jget "$TMP/r1.json" 'j["quarantine"][0]["not_killed_hardlinked"]')" = \
    "[$PID]" ] || fail "JSON: the spared process not listed"
[ "$(jget "$TMP/r1.json" 'j["quarantine"][0]["killed"]')" = "[]" ] ||
	fail "JSON: something was killed"
[ -e "$U/swept/prog" ] && fail "prog not quarantined"
kill -TERM "$PID"
[ "$(ended)" = "signal 15" ] || fail "the hard-linked process was killed"

# 2. quarantine add --kill says the same.
as_attacker cp /bin/sleep "$U/swept/prog"
as_attacker ln -f "$U/swept/prog" "$U/hidden/other"
start "$U/hidden/other"
expect_exit 1 "add --kill, hard-linked" -- qa add --kill "$U/swept/prog"
expect_grep "$TMP/out" "NOT killed process $PID" "add names the spared one"
kill -TERM "$PID"
[ "$(ended)" = "signal 15" ] || fail "add --kill killed the hard-linked one"

# 3. --kill-hardlinked kills it.
as_attacker cp /bin/sleep "$U/swept/prog"
as_attacker ln -f "$U/swept/prog" "$U/hidden/other"
start "$U/hidden/other"
expect_exit 1 "sweep --kill-hardlinked" -- "$RAMPART_AGENT" sweep \
    --no-cache --no-processes --rules "$B" --quarantine --kill-hardlinked \
    --store "$RAMPART_QUARANTINE_DIR" --json "$TMP/r3.json" "$U/swept"
[ "$(jget "$TMP/r3.json" 'j["quarantine"][0]["killed"]')" = "[$PID]" ] ||
	fail "JSON: the process not listed as killed"
[ "$(ended)" = "signal 9" ] || fail "--kill-hardlinked did not kill"

# 4. One link: --kill kills.
as_attacker cp /bin/sleep "$U/single/prog"
start "$U/single/prog"
expect_exit 1 "sweep --kill, one link" -- "$RAMPART_AGENT" sweep \
    --no-cache --no-processes --rules "$B" --quarantine --kill \
    --store "$RAMPART_QUARANTINE_DIR" "$U/single"
[ "$(ended)" = "signal 9" ] || fail "--kill did not kill a one-link program"
[ -e "$U/single/prog" ] && fail "single prog not quarantined"
finish
