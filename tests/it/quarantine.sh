#!/bin/sh
# rampart-agent quarantine: a file taken into the store is gone from its
# place, stored neutralised (no execute bits, not its own format), and
# restore gives it back byte-identical with mode, owner and mtime.  Links
# in the path, overwrites and unsafe stores are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quarantine_lib.sh"

expect_exit 0 "help" -- qa --help
expect_grep "$TMP/out" "restore ID" "help names restore"

# --- round trip of an executable with an awkward name -------------------
mkdir "$TMP/victim"
NL='
'
F="$TMP/victim/odd name${NL}$(printf 'caf\351')"
cp /bin/true "$F"
chmod 0751 "$F"
OWNER=$(id -u):$(id -g)
if [ "$(id -u)" -eq 0 ]; then
	OWNER=1234:5678
	chown "$OWNER" "$F"
fi
touch -d '2021-03-04 05:06:07.123456789' "$F"
cp -p "$F" "$TMP/ref"
wantmeta=$(meta "$F")

expect_exit 0 "add" -- qa add --reason "test: 3CX loader" "$F"
[ -e "$F" ] && fail "add: the original is still in place"
id=$(entries_for "$F" stored)
[ -n "$id" ] || fail "list does not show the entry"
[ "$(echo "$id" | wc -l)" -eq 1 ] || fail "more than one entry: $id"
expect_exit 0 "show" -- qa show "$id"
expect_grep "$TMP/out" "test: 3CX loader" "show gives the reason"
expect_grep "$TMP/out" "mode: *0751" "show gives the mode"
expect_grep "$TMP/out" "owner: *$OWNER" "show gives the owner"
expect_grep "$TMP/out" "$(sha256sum <"$TMP/ref" | cut -d' ' -f1)" \
    "show gives the SHA-256"
if LC_ALL=C grep -q "$(printf '\351')" "$TMP/out"; then
	fail "show printed a raw non-UTF-8 byte"
fi

# the stored content is neutralised
rpq="$RAMPART_QUARANTINE_DIR/$id.rpq"
[ "$(stat -c %a "$rpq")" = 400 ] || fail "content mode $(stat -c %a "$rpq")"
[ "$(head -c 8 "$rpq")" = RAMPARTQ ] || fail "content lacks the header"
if head -c 4 "$rpq" | od -An -c | grep -q 'E   L   F'; then
	fail "stored content still looks like ELF"
fi
"$rpq" >/dev/null 2>&1
[ $? -eq 126 ] || fail "the stored content could be executed"
[ "$(stat -c %a "$RAMPART_QUARANTINE_DIR")" = 700 ] ||
	fail "store mode $(stat -c %a "$RAMPART_QUARANTINE_DIR")"

expect_exit 0 "restore" -- qa restore "$id"
cmp -s "$F" "$TMP/ref" || fail "restored file differs"
[ "$(meta "$F")" = "$wantmeta" ] ||
	fail "metadata: got '$(meta "$F")', want '$wantmeta'"
[ -z "$(entries_for "$F")" ] || fail "entry still listed after restore"
"$F" || fail "restored executable does not run"

# --- empty file, relative path, list --json ----------------------------
: >"$TMP/victim/empty"
(cd "$TMP/victim" && qa add empty >"$TMP/out" 2>&1) || fail "add relative"
id=$(entries_for "$TMP/victim/empty")
[ -n "$id" ] || fail "empty file not listed"
expect_exit 0 "restore empty" -- qa restore "$id"
[ -f "$TMP/victim/empty" ] && [ ! -s "$TMP/victim/empty" ] ||
	fail "empty file not restored empty"

# --- restore refuses to overwrite; --to elsewhere -----------------------
cp "$TMP/ref" "$TMP/victim/again"
expect_exit 0 "add again" -- qa add "$TMP/victim/again"
id=$(entries_for "$TMP/victim/again")
echo "newer" >"$TMP/victim/again"
expect_exit 0 "list" -- qa list
expect_grep "$TMP/out" "original-present" "list shows the path is taken"
expect_exit 2 "restore over a file" -- qa restore "$id"
expect_grep "$TMP/err" "not overwritten" "restore says why"
[ "$(cat "$TMP/victim/again")" = newer ] || fail "restore overwrote"
expect_exit 0 "restore --to" -- qa restore "$id" --to "$TMP/victim/copy"
cmp -s "$TMP/victim/copy" "$TMP/ref" || fail "restore --to differs"

# --- links are refused, nothing moves ----------------------------------
mkdir "$TMP/real"
cp "$TMP/ref" "$TMP/real/f"
ln -s "$TMP/real" "$TMP/link"
expect_exit 2 "symlink in the path" -- qa add "$TMP/link/f"
expect_grep "$TMP/err" "symbolic link" "symlink refusal says why"
ln -s "$TMP/real/f" "$TMP/victim/lnk"
expect_exit 2 "symlink as the file" -- qa add "$TMP/victim/lnk"
cmp -s "$TMP/real/f" "$TMP/ref" || fail "link target was touched"
[ -L "$TMP/victim/lnk" ] || fail "the link was removed"
mkfifo "$TMP/victim/fifo"
expect_exit 2 "fifo" -- qa add "$TMP/victim/fifo"
expect_exit 2 "wrong sha256" -- qa add --sha256 \
    0000000000000000000000000000000000000000000000000000000000000000 \
    "$TMP/real/f"
cmp -s "$TMP/real/f" "$TMP/ref" || fail "wrong --sha256 moved the file"
expect_exit 0 "right sha256" -- qa add --sha256 \
    "$(sha256sum <"$TMP/ref" | cut -d' ' -f1)" "$TMP/real/f"

# --- --kill terminates the processes running the file -------------------
cp /bin/sleep "$TMP/victim/implant"
start_running "$TMP/victim/implant" 300
[ "$(readlink /proc/$pid/exe)" = "$TMP/victim/implant" ] ||
	fail "the implant does not run"
expect_exit 0 "add --kill" -- qa add --kill "$TMP/victim/implant"
expect_grep "$TMP/out" "killed process $pid" "add --kill names the process"
# If --kill missed it, this SIGTERM ends it (status 143, not 137); a
# SIGKILL already sent wins over it.
kill -TERM $pid 2>/dev/null
wait $pid
st=$?
[ $st -eq 137 ] || fail "the implant was not SIGKILLed (status $st)"

# --- purge ---------------------------------------------------------------
expect_exit 0 "purge --all" -- qa purge --all
expect_exit 0 "list after purge" -- qa list
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "entries left after purge --all"
expect_exit 2 "purge unknown" -- qa purge 0123456789abcdef0123456789abcdef
expect_exit 2 "show bad id" -- qa show ../../etc/passwd

# --- an unsafe store is refused ----------------------------------------
chmod 0777 "$RAMPART_QUARANTINE_DIR"
expect_exit 2 "world-writable store" -- qa list
chmod 0700 "$RAMPART_QUARANTINE_DIR"
ln -s "$RAMPART_QUARANTINE_DIR" "$TMP/storelink"
expect_exit 2 "store is a link" -- qa --store "$TMP/storelink" list

# --- restoring without the right to set the owner (root only) -----------
if [ "$(id -u)" -eq 0 ]; then
	U=65534
	chmod 0711 "$TMP"
	mkdir -m 0700 "$TMP/nb" "$TMP/nb/store"
	chown "$U:$U" "$TMP/nb" "$TMP/nb/store"
	cp "$TMP/ref" "$TMP/nb/f"
	# another user's set-user-ID file in nobody's directory: nobody can
	# take it, but a restore by nobody cannot give it its owner back
	chown 1234:5678 "$TMP/nb/f"
	chmod 4755 "$TMP/nb/f"
	NB="setpriv --reuid=$U --regid=$U --clear-groups"
	expect_exit 0 "add as nobody" -- $NB "$RAMPART_AGENT" quarantine \
	    --store "$TMP/nb/store" add "$TMP/nb/f"
	id=$(ls "$TMP/nb/store" | sed -n 's/\.json$//p')
	expect_exit 1 "restore as nobody" -- $NB "$RAMPART_AGENT" quarantine \
	    --store "$TMP/nb/store" restore "$id" --keep-setid
	expect_grep "$TMP/err" "not restored" "restore says the owner is not set"
	[ "$(stat -c '%a %u' "$TMP/nb/f")" = "755 $U" ] ||
		fail "owner/set-uid after restore: $(stat -c '%a %u' "$TMP/nb/f")"
	cmp -s "$TMP/nb/f" "$TMP/ref" || fail "restore as nobody differs"
fi

finish
