#!/bin/sh
# Installs the npm test tools pinned in tests/tools/package-lock.json
# (the OpenAPI validators) when they are missing or older than the lock
# file.  Test-only: nothing Rampart runs needs npm.
set -eu
cd "$(dirname "$0")/../tests/tools"
if [ -f node_modules/.package-lock.json ] &&
	[ ! package-lock.json -nt node_modules/.package-lock.json ]; then
	exit 0
fi
echo "setup: installing the npm test tools (tests/tools)"
npm ci --no-audit --no-fund --silent
