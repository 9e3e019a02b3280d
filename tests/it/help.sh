#!/bin/sh
# Every command answers --help with its usage on stdout and exit 0; bad
# usage exits 2.
. "$(dirname "$0")/lib.sh"

for cmd in "" "advisory" "advisory validate" "advisory show" "check" \
    "bundle" "enroll-token" "enroll-token create" "host" "host list" \
    "hosts" "hosts list" "findings" "findings list" "findings show" \
    "findings counts" "detections" "indicator" "indicator list" \
    "indicator import" "indicator-source" "indicator-source add" \
    "blocklist" "blocklist render" "feed" "feed add" "feed status" \
    "job" "job list" "job create"; do
	# shellcheck disable=SC2086
	expect_exit 0 "rampart $cmd --help" -- "$RAMPART_BIN" $cmd --help
	expect_grep "$TMP/out" "usage: rampart" "rampart $cmd --help"
done
expect_exit 0 "rampart --help" -- "$RAMPART_BIN" --help
for c in tenant user token enroll-token host hosts findings detections \
    audit indicator indicator-source blocklist feed job; do
	expect_grep "$TMP/out" "^  $c " "rampart --help lists $c"
done
expect_exit 2 "rampart host nonsense" -- "$RAMPART_BIN" host nonsense
expect_exit 2 "rampart host show (no ID)" -- "$RAMPART_BIN" host show
expect_exit 2 "rampart host (no subcommand)" -- "$RAMPART_BIN" host
expect_exit 2 "rampart hosts nonsense" -- "$RAMPART_BIN" hosts nonsense
expect_exit 2 "rampart findings show (no ID)" -- "$RAMPART_BIN" findings show
expect_exit 2 "rampart findings 17" -- "$RAMPART_BIN" findings 17
expect_exit 2 "rampart findings --verdict bad" -- \
    "$RAMPART_BIN" findings --verdict bad
expect_exit 2 "rampart findings --status closed" -- \
    "$RAMPART_BIN" findings --status closed
expect_exit 2 "rampart findings counts --verdict affected" -- \
    "$RAMPART_BIN" findings counts --verdict affected
expect_exit 2 "rampart detections x" -- "$RAMPART_BIN" detections x
expect_exit 2 "rampart detections --verdict affected" -- \
    "$RAMPART_BIN" detections --verdict affected
expect_exit 2 "rampart findings show 1 --tenant acme" -- \
    "$RAMPART_BIN" findings show 1 --tenant acme
expect_exit 2 "rampart enroll-token create --uses 100001" -- \
    "$RAMPART_BIN" enroll-token create acme --uses 100001
expect_exit 2 "rampart blocklist nonsense" -- "$RAMPART_BIN" blocklist nonsense
expect_exit 2 "rampart feed nonsense" -- "$RAMPART_BIN" feed nonsense
expect_exit 2 "rampart feed (no subcommand)" -- "$RAMPART_BIN" feed
expect_exit 2 "rampart blocklist render (no format)" -- \
    "$RAMPART_BIN" blocklist render --indicators /dev/null
expect_exit 2 "rampart job nonsense" -- "$RAMPART_BIN" job nonsense
expect_exit 2 "rampart job create (no --host)" -- \
    "$RAMPART_BIN" job create block-verify --from-indicators
expect_exit 2 "rampart with no command" -- "$RAMPART_BIN"
expect_exit 2 "rampart nonsense" -- "$RAMPART_BIN" nonsense
expect_exit 2 "rampart advisory nonsense" -- "$RAMPART_BIN" advisory nonsense
expect_exit 2 "rampart indicator nonsense" -- "$RAMPART_BIN" indicator nonsense
expect_exit 2 "rampart indicator add (one argument)" -- \
    "$RAMPART_BIN" indicator add domain
expect_exit 2 "rampart indicator list --format csv" -- \
    "$RAMPART_BIN" indicator list --format csv
expect_exit 2 "rampart indicator-source add (no --kind)" -- \
    "$RAMPART_BIN" indicator-source add x
expect_exit 2 "rampart advisory validate (no file)" -- \
    "$RAMPART_BIN" advisory validate
expect_exit 2 "rampart advisory show (no file)" -- "$RAMPART_BIN" advisory show
expect_exit 2 "rampart check (no files)" -- "$RAMPART_BIN" check
expect_exit 2 "rampart check without inventory" -- \
    "$RAMPART_BIN" check --advisory "$D3CX/3cx-csaf.json"
expect_exit 2 "rampart check --bogus" -- "$RAMPART_BIN" check --bogus
expect_exit 2 "rampart check --alias without =" -- "$RAMPART_BIN" check \
    --alias foo --advisory "$D3CX/3cx-csaf.json" \
    --inventory "$D3CX/pbx-01.inventory.json"

# The agent: every command's --help is honest about its name and usage.
: "${RAMPART_AGENT:?RAMPART_AGENT must name the rampart-agent binary}"
expect_exit 0 "rampart-agent --help" -- "$RAMPART_AGENT" --help
for c in inventory sweep quarantine enroll heartbeat run; do
	expect_grep "$TMP/out" "^  $c " "rampart-agent --help lists $c"
done
for c in inventory sweep quarantine enroll heartbeat run; do
	expect_exit 0 "rampart-agent $c --help" -- "$RAMPART_AGENT" $c --help
	expect_grep "$TMP/out" "usage: rampart-agent $c" "$c --help usage line"
done
expect_exit 2 "rampart-agent with no command" -- "$RAMPART_AGENT"
expect_exit 2 "rampart-agent nonsense" -- "$RAMPART_AGENT" nonsense
expect_exit 2 "rampart-agent inventory --bogus" -- \
    "$RAMPART_AGENT" inventory --bogus
expect_exit 2 "rampart-agent quarantine nonsense" -- \
    "$RAMPART_AGENT" quarantine nonsense
finish
