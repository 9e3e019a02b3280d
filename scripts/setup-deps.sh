#!/bin/sh
# Installs the Debian 12 packages that building, testing, fuzzing and
# benchmarking Rampart need, when they are missing.  Run as root on a fresh
# machine; on a machine that has everything it only checks and says so.
set -eu

PKGS="
build-essential
meson
ninja-build
pkg-config
clang
libclang-rt-14-dev
clang-format
libjansson-dev
libsodium-dev
libcmocka-dev
python3
python3-cryptography
librpm-dev
rpm
libplist-dev
libyara-dev
libseccomp-dev
yara
libssl-dev
libzstd-dev
fd-find
zstd
libmicrohttpd-dev
libinih-dev
libsystemd-dev
libcurl4-openssl-dev
libsqlite3-dev
libpq-dev
libicu-dev
postgresql-15
sqlite3
wrk
systemd
nftables
unbound
bind9-utils
dnsmasq-base
iproute2
libicu-dev
libqrencode-dev
gettext
chromium
fonts-dejavu-core
squid
ipset
iptables
libpsl-dev
libnftables-dev
libcap2-bin
"

# npm runs the test tools (OpenAPI validators; puppeteer-core, which
# drives the chromium above in the web UI's browser tests); a machine
# with Node.js from elsewhere already has it.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

# rampartd's unprivileged roles run as rampart; its signer role, which
# alone can read the job-signing key, as rampart-signer.
for u in rampart rampart-signer; do
	if ! getent passwd "$u" >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ]; then
			useradd --system --no-create-home --home-dir /nonexistent \
			    --shell /usr/sbin/nologin "$u"
		else
			echo "setup: no system user '$u'; create it with:" \
			    "useradd --system --shell /usr/sbin/nologin $u" >&2
		fi
	fi
done

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "setup: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: not root; install them with: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
