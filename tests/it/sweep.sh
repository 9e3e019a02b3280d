#!/bin/sh
# rampart-agent sweep end to end: a planted tree is found by each hash
# type, by name and by a YARA rule; a symlink out of the swept root is
# not followed; the cache makes a repeat sweep read nothing unchanged;
# the JSON report carries what quarantine needs; exit codes.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"
: "${RAMPART_SHARED_DATA:?RAMPART_SHARED_DATA must name the shared data}"

ROOT="$TMP/root"
OUT="$TMP/outside"
mkdir -p "$ROOT/a/b" "$OUT"
printf 'planted by sha256\n' >"$ROOT/a/one.bin"
printf 'planted by sha1\n' >"$ROOT/a/b/two.bin"
printf 'planted by md5\n' >"$ROOT/three.bin"
printf 'right digest, wrong size\n' >"$ROOT/four.bin"
printf 'innocent\n' >"$ROOT/a/dropper.ps1"
printf 'xx RAMPART-IT-MARKER-5521 xx\n' >"$ROOT/a/b/marked.txt"
printf 'clean\n' >"$ROOT/clean.txt"
printf 'planted by sha256\n' >"$OUT/outside.bin"
ln -s "$OUT" "$ROOT/a/link-out"
ln -s "$OUT/outside.bin" "$ROOT/link-file"

sha() { "$1" "$2" | cut -d' ' -f1; }
S256=$(sha sha256sum "$ROOT/a/one.bin")
S1=$(sha sha1sum "$ROOT/a/b/two.bin")
M5=$(sha md5sum "$ROOT/three.bin")
W=$(sha sha256sum "$ROOT/four.bin")
BUNDLE="$TMP/bundle.json"
cat >"$BUNDLE" <<JSON
{"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z", "advisories": [],
 "indicators": [
  {"type": "sha256", "value": "$S256", "source": "it-sha256"},
  {"type": "sha1", "value": "$S1", "size": 16, "source": "it-sha1"},
  {"type": "md5", "value": "$M5", "source": "it-md5"},
  {"type": "sha256", "value": "$W", "size": 12345, "source": "it-wrong"},
  {"type": "filename", "value": "dropper.ps1", "source": "it-name"}],
 "yara": [{"name": "it.yar", "source": "it-yara",
  "text": "rule ItMarker { strings: \$m = \"RAMPART-IT-MARKER-5521\" condition: \$m }"}]}
JSON

# jq is not everywhere; python3 reads the report.
jget() {
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

expect_exit 0 "sweep --help" -- "$RAMPART_AGENT" sweep --help
expect_grep "$TMP/out" "usage: rampart-agent sweep" "sweep --help"
expect_grep "$TMP/out" "never followed" "sweep --help says links"
expect_exit 2 "sweep without --rules" -- "$RAMPART_AGENT" sweep "$ROOT"
expect_exit 2 "sweep --bogus" -- "$RAMPART_AGENT" sweep --bogus
expect_exit 2 "sweep unreadable bundle" -- \
    "$RAMPART_AGENT" sweep --rules "$TMP/nope.json" "$ROOT"
expect_exit 2 "sweep --max-size nonsense" -- \
    "$RAMPART_AGENT" sweep --rules "$BUNDLE" --max-size 12Q "$ROOT"

# 1. Everything planted is found, nothing else.
CACHE="$TMP/cache/sweep.bin"
expect_exit 1 "sweep finds the planted files" -- "$RAMPART_AGENT" sweep \
    --rules "$BUNDLE" --cache "$CACHE" --json "$TMP/r1.json" "$ROOT"
for f in a/one.bin a/b/two.bin three.bin a/dropper.ps1 a/b/marked.txt; do
	expect_grep "$TMP/out" "FILE $ROOT/$f" "summary names $f"
done
expect_grep "$TMP/out" "matched YARA rule ItMarker in it.yar" "YARA hit"
got=$(jget "$TMP/r1.json" 'sorted(h["path"] for h in j["hits"])')
want=$(python3 -c 'import sys; r=sys.argv[1]
print(sorted(r+"/"+p for p in ["a/one.bin","a/b/two.bin","three.bin","a/dropper.ps1","a/b/marked.txt"]))' "$ROOT")
[ "$got" = "$want" ] || fail "hits: $got, expected $want"
got=$(jget "$TMP/r1.json" 'sorted(m.get("source") for h in j["hits"] for m in h["matches"])')
[ "$got" = "['it-md5', 'it-name', 'it-sha1', 'it-sha256', 'it-yara']" ] ||
	fail "match sources: $got"
# What quarantine needs, for every file hit.
got=$(jget "$TMP/r1.json" 'all(len(h["sha256"])==64 and h["dev"]>0 and h["ino"]>0 and "size" in h and "mtime_ns" in h for h in j["hits"])')
[ "$got" = "True" ] || fail "a file hit lacks sha256/dev/ino/size/mtime"
ino=$(stat -c %i "$ROOT/a/one.bin")
got=$(jget "$TMP/r1.json" '[h["ino"] for h in j["hits"] if h["path"].endswith("/a/one.bin")][0]')
[ "$got" = "$ino" ] || fail "inode of one.bin: $got, expected $ino"
got=$(jget "$TMP/r1.json" 'j["counters"]["symlinks"]')
[ "$got" = 2 ] || fail "symlinks counted: $got, expected 2"
got=$(jget "$TMP/r1.json" 'j["counters"]["files_opened"]')
[ "$got" = 7 ] || fail "first sweep read $got files, expected 7"

# 2. The cache: a repeat sweep reads only what YARA matched (a hit is
#    always read again); a changed file is read again.
expect_exit 1 "repeat sweep" -- "$RAMPART_AGENT" sweep -q \
    --rules "$BUNDLE" --cache "$CACHE" --json "$TMP/r2.json" "$ROOT"
got=$(jget "$TMP/r2.json" 'j["counters"]["files_opened"], j["counters"]["cache_hits"], len(j["hits"])')
[ "$got" = "(1, 6, 5)" ] || fail "repeat sweep (opened, cached, hits): $got"
printf 'changed\n' >>"$ROOT/clean.txt"
expect_exit 1 "sweep after a change" -- "$RAMPART_AGENT" sweep -q \
    --rules "$BUNDLE" --cache "$CACHE" --json "$TMP/r3.json" "$ROOT"
got=$(jget "$TMP/r3.json" 'j["counters"]["files_opened"]')
[ "$got" = 2 ] || fail "after one change $got files read, expected 2"

# A bundle without YARA: the repeat sweep reads nothing at all.
python3 -c 'import json,sys
b=json.load(open(sys.argv[1])); b["yara"]=[]
json.dump(b,open(sys.argv[2],"w"))' "$BUNDLE" "$TMP/noyara.json"
"$RAMPART_AGENT" sweep -q --rules "$TMP/noyara.json" --cache "$CACHE" \
    "$ROOT" >/dev/null 2>&1
expect_exit 1 "repeat sweep, no YARA" -- "$RAMPART_AGENT" sweep -q \
    --rules "$TMP/noyara.json" --cache "$CACHE" --json "$TMP/r4.json" "$ROOT"
got=$(jget "$TMP/r4.json" 'j["counters"]["files_opened"], j["counters"]["bytes_read"]')
[ "$got" = "(0, 0)" ] || fail "repeat sweep without YARA read: $got"

# 3. Links are not followed even when the start path is one.
expect_exit 0 "a symlinked start path" -- "$RAMPART_AGENT" sweep \
    --rules "$BUNDLE" --no-cache "$ROOT/a/link-out"
expect_exit 0 "the outside tree alone, via a link" -- "$RAMPART_AGENT" \
    sweep --rules "$BUNDLE" --no-cache --format json "$ROOT/link-file"

# 4. JSON on stdout, walk-only, excludes.
expect_exit 1 "--format json" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$BUNDLE" --format json "$ROOT"
got=$(jget "$TMP/out" 'j["rampart_sweep"], len(j["hits"])')
[ "$got" = "(1, 5)" ] || fail "--format json: $got"
expect_exit 0 "--walk-only" -- "$RAMPART_AGENT" sweep --walk-only \
    --format json "$ROOT"
got=$(jget "$TMP/out" 'j["counters"]["files_seen"], j["counters"]["files_opened"]')
[ "$got" = "(7, 0)" ] || fail "--walk-only: $got"
expect_exit 0 "excluded" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$BUNDLE" -e 'a' -e '*/three.bin' "$ROOT"

# 5. The Volexity 3CX rules compile and run over real files.
mkdir "$TMP/vol"
cp "$RAMPART_SHARED_DATA/3cx/volexity-rules.yar" "$TMP/vol/"
python3 -c 'import json,sys
t=open(sys.argv[1]).read()
json.dump({"rampart_bundle":1,"advisories":[],"indicators":[],
 "yara":[{"name":"volexity-rules.yar","text":t}]},open(sys.argv[2],"w"))' \
    "$RAMPART_SHARED_DATA/3cx/volexity-rules.yar" "$TMP/vol.json"
expect_exit 0 "Volexity rules" -- "$RAMPART_AGENT" sweep --no-cache \
    --rules "$TMP/vol.json" --format json "$TMP/vol" "$ROOT"
got=$(jget "$TMP/out" 'j["counters"]["errors"], j["counters"]["files_opened"]')
[ "$got" = "(0, 8)" ] || fail "Volexity rules (errors, read): $got"

# 6. Large files: YARA scans files of several MiB whole, one large
#    buffer at a time across threads; every one is still found, with the
#    marker at its very end.
mkdir "$TMP/big"
for i in 1 2 3 4; do
	head -c $((5 * 1048576 + i * 4096)) /dev/zero >"$TMP/big/f$i.bin"
	printf 'RAMPART-IT-MARKER-5521' >>"$TMP/big/f$i.bin"
done
expect_exit 1 "large files" -- "$RAMPART_AGENT" sweep --no-cache \
    --threads 2 --rules "$BUNDLE" --format json "$TMP/big"
got=$(jget "$TMP/out" 'len(j["hits"]), j["counters"]["files_opened"]')
[ "$got" = "(4, 4)" ] || fail "large files (hits, read): $got"
finish
