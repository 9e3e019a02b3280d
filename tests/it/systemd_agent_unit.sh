#!/bin/sh
# rampart-agent's systemd unit (dist/systemd/rampart-agent.service):
# systemd-analyze verify accepts it (with ExecStart pointing at this
# build's agent), its offline security assessment stays at the exposure
# docs/agent-daemon.md records or lower, and the fences the agent relies
# on are there: no PrivateTmp (a sweep must see the real /tmp), home
# read-only, TMPDIR in the runtime directory (the file system is
# read-only), the system calls its confined children make (seccomp,
# chroot).  There is no systemd running here, so the unit is checked,
# not started.
. "$(dirname "$0")/lib.sh"
: "${RAMPART_AGENT:?RAMPART_AGENT must name rampart-agent}"
command -v systemd-analyze >/dev/null ||
	{ fail "systemd-analyze is missing (package systemd)"; finish; }
unit="$(dirname "$0")/../../dist/systemd/rampart-agent.service"
[ -f "$unit" ] || { fail "$unit is missing"; finish; }
mkdir -p "$TMP/u"
sed "s|/usr/sbin/rampart-agent|$RAMPART_AGENT|" "$unit" \
    >"$TMP/u/rampart-agent.service"
grep -q "$RAMPART_AGENT run --state /var/lib/rampart-agent" \
    "$TMP/u/rampart-agent.service" || fail "ExecStart is not the agent's run"
systemd-analyze verify "$TMP/u/rampart-agent.service" >"$TMP/verify" 2>&1 ||
	fail "systemd-analyze verify refused the unit"
if [ -s "$TMP/verify" ]; then
	cat "$TMP/verify" >&2
	fail "systemd-analyze verify had something to say about the unit"
fi
systemd-analyze security --offline=true "$TMP/u/rampart-agent.service" \
	>"$TMP/sec" 2>&1 || fail "systemd-analyze security failed"
score=$(sed -n 's/.*Overall exposure level for rampart-agent.service: \([0-9.]*\).*/\1/p' "$TMP/sec")
[ -n "$score" ] || { cat "$TMP/sec" >&2; fail "no exposure level"; finish; }
# docs/agent-daemon.md records 3.6; a change that loosens the unit fails.
awk -v s="$score" 'BEGIN { exit !(s <= 3.6) }' ||
	fail "exposure level $score is above the recorded 3.6"
grep -q "3\.6" "$(dirname "$0")/../../docs/agent-daemon.md" ||
	fail "docs/agent-daemon.md does not record the exposure level 3.6"
for want in "ProtectSystem=strict" "ReadWritePaths=/var/lib/rampart-agent" \
    "ProtectHome=read-only" "NoNewPrivileges=yes" \
    "Environment=TMPDIR=%t/rampart-agent" "RuntimeDirectory=rampart-agent" \
    "SystemCallFilter=@system-service seccomp chroot"; do
	grep -qx "$want" "$unit" || fail "the unit lacks $want"
done
grep -q "^PrivateTmp=yes" "$unit" &&
	fail "PrivateTmp=yes would hide the machine's /tmp from sweeps"
finish
