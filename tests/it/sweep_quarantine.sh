#!/bin/sh
# Sweep and quarantine together, through the agent's command line: a
# sweep with --quarantine moves the matched files into the store and
# leaves the rest; each comes back byte-identical with `quarantine
# restore`.  A running copy of a matched program is found by the process
# check, and --kill terminates it when its file is quarantined.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"

ROOT="$TMP/root"
STORE="$TMP/store"
mkdir -p "$ROOT/dir"
head -c 300000 /dev/urandom >"$ROOT/dir/payload.bin"
chmod 0751 "$ROOT/dir/payload.bin"
touch -d '2023-03-29 12:34:56.123456789' "$ROOT/dir/payload.bin"
cp -p "$ROOT/dir/payload.bin" "$TMP/payload.orig"
printf 'innocent\n' >"$ROOT/dir/clean.txt"
printf 'named\n' >"$ROOT/ffmpeg.dll"
cp /bin/sleep "$ROOT/dir/updater"
S256=$(sha256sum "$ROOT/dir/payload.bin" | cut -d' ' -f1)
SLEEP=$(sha256sum "$ROOT/dir/updater" | cut -d' ' -f1)
BUNDLE="$TMP/bundle.json"
cat >"$BUNDLE" <<JSON
{"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z", "advisories": [],
 "indicators": [
  {"type": "sha256", "value": "$S256", "size": 300000, "source": "it"},
  {"type": "filename", "value": "ffmpeg.dll", "source": "it"}],
 "yara": []}
JSON

jget() {
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

expect_exit 2 "--kill without --quarantine" -- "$RAMPART_AGENT" sweep \
    --rules "$BUNDLE" --kill "$ROOT"

# 1. The sweep quarantines both hits and nothing else.
expect_exit 1 "sweep --quarantine" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$BUNDLE" --quarantine --store "$STORE" --json "$TMP/r.json" \
    "$ROOT"
expect_grep "$TMP/out" "^quarantined .*payload.bin as " "payload quarantined"
expect_grep "$TMP/out" "^quarantined .*ffmpeg.dll as " "name hit quarantined"
[ -e "$ROOT/dir/payload.bin" ] && fail "payload.bin still in place"
[ -e "$ROOT/ffmpeg.dll" ] && fail "ffmpeg.dll still in place"
[ -f "$ROOT/dir/clean.txt" ] || fail "clean.txt was taken"
[ "$(jget "$TMP/r.json" 'len(j["quarantine"])')" = 2 ] ||
	fail "report: two quarantine outcomes expected"
[ "$(jget "$TMP/r.json" 'sum(1 for q in j["quarantine"] if q["error"] is None)')" = 2 ] ||
	fail "report: a quarantine failed"

# An unusable store (world-writable) takes nothing, says so and loses
# nothing.
mkdir -m 0777 "$TMP/badstore"
printf 'named\n' >"$ROOT/ffmpeg.dll"
expect_exit 1 "sweep --quarantine, unsafe store" -- "$RAMPART_AGENT" sweep \
    --no-cache --rules "$BUNDLE" --quarantine --store "$TMP/badstore" "$ROOT"
expect_grep "$TMP/err" "quarantine store" "unsafe store named"
expect_grep "$TMP/err" "1 file was not quarantined" "failure counted"
[ -f "$ROOT/ffmpeg.dll" ] || fail "ffmpeg.dll lost with an unsafe store"
rm -f "$ROOT/ffmpeg.dll"

# 2. Restore gives the file back as it was.
ID=$(jget "$TMP/r.json" '[q["id"] for q in j["quarantine"] if j["hits"][q["hit"]]["path"].endswith("payload.bin")][0]')
expect_exit 0 "quarantine restore" -- "$RAMPART_AGENT" quarantine \
    --store "$STORE" restore "$ID"
cmp -s "$TMP/payload.orig" "$ROOT/dir/payload.bin" ||
	fail "restored payload.bin differs"
[ "$(stat -c '%a %y' "$ROOT/dir/payload.bin")" = \
    "$(stat -c '%a %y' "$TMP/payload.orig")" ] ||
	fail "restored payload.bin: mode or mtime differ"

# 3. A second sweep finds the restored file again; the store refuses
#    nothing and the cache plays no part in what is taken.
expect_exit 1 "sweep again" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$BUNDLE" --quarantine --store "$STORE" "$ROOT/dir"
[ -e "$ROOT/dir/payload.bin" ] && fail "payload.bin not taken the 2nd time"

# 4. A running program whose file matches: the process check finds it,
#    and --quarantine --kill stops it and takes the file.
cat >"$BUNDLE" <<JSON
{"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z", "advisories": [],
 "indicators": [{"type": "sha256", "value": "$SLEEP", "source": "it"}],
 "yara": []}
JSON
start_running "$ROOT/dir/updater" 300
PID=$pid
expect_exit 1 "sweep --processes" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$BUNDLE" --processes --json "$TMP/p.json" "$ROOT/dir"
[ "$(jget "$TMP/p.json" "sum(1 for h in j['hits'] if h['kind'] == 'process' and h['pid'] == $PID)")" = 1 ] ||
	fail "the running updater is not a process hit"
expect_exit 1 "sweep --quarantine --kill" -- "$RAMPART_AGENT" sweep \
    --no-cache --rules "$BUNDLE" --quarantine --kill --store "$STORE" \
    "$ROOT/dir"
# If --kill missed it, this SIGTERM ends it (status 143); a SIGKILL
# already sent wins over it (137).
kill -TERM "$PID" 2>/dev/null
wait "$PID"
st=$?
[ "$st" -eq 137 ] || fail "the updater was not SIGKILLed (status $st)"
[ -e "$ROOT/dir/updater" ] && fail "updater not quarantined"
expect_exit 0 "quarantine list" -- "$RAMPART_AGENT" quarantine \
    --store "$STORE" list --json
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/out")" = 3 ] ||
	fail "store should hold 3 entries"

finish
