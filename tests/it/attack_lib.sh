# Helpers of the attack tests (sourced after lib.sh and quarantine_lib.sh):
# the attacker is an unprivileged user (nobody) who owns $U, a directory
# the root agent then sweeps or quarantines from.
ATTACKER=${RAMPART_ATTACKER:-nobody}
ATTACKER_GROUP=${RAMPART_ATTACKER_GROUP:-nogroup}
[ "$(id -u)" -eq 0 ] || {
	echo "FAIL: the attack tests run as root (the agent's real setting)" >&2
	exit 1
}
id "$ATTACKER" >/dev/null 2>&1 || {
	echo "FAIL: no user $ATTACKER to play the attacker" >&2
	exit 1
}
chmod 0711 "$TMP"
U="$TMP/u"
mkdir "$U"
chown "$ATTACKER:$ATTACKER_GROUP" "$U"

# The system's Python for the attacker (a root-only Python may be first
# in PATH).
APY=/usr/bin/python3
[ -x "$APY" ] || {
	echo "FAIL: $APY is needed to build the attack trees" >&2
	exit 1
}

# as_attacker CMD...: runs CMD as the unprivileged attacker.
as_attacker() {
	setpriv --reuid="$ATTACKER" --regid="$ATTACKER_GROUP" --clear-groups \
	    "$@"
}

# sha FILE: the file's SHA-256.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# bundle_for HASH...: a rules bundle with these SHA-256 indicators; prints
# its path.
bundle_for() {
	{
		printf '{"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z",'
		printf ' "advisories": [], "yara": [], "indicators": ['
		sep=
		for h in "$@"; do
			printf '%s{"type": "sha256", "value": "%s", "source": "it"}' \
			    "$sep" "$h"
			sep=,
		done
		printf ']}\n'
	} >"$TMP/bundle.json"
	echo "$TMP/bundle.json"
}
