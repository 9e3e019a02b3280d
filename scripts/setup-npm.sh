#!/bin/sh
# Installs the npm test tools pinned in tests/tools/package-lock.json
# (the OpenAPI validators; puppeteer-core and axe-core for the web UI's
# browser tests) when they are missing or older than the lock file.
# Test-only: nothing Rampart runs needs npm.  The browser is Debian's
# chromium (scripts/setup-deps.sh): nothing may download one of its own.
set -eu
export PUPPETEER_SKIP_DOWNLOAD=1
cd "$(dirname "$0")/../tests/tools"
if [ -f node_modules/.package-lock.json ] &&
	[ ! package-lock.json -nt node_modules/.package-lock.json ]; then
	exit 0
fi
echo "setup: installing the npm test tools (tests/tools)"
npm ci --no-audit --no-fund --silent
