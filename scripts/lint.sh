#!/bin/sh
# Style checks: clang-format with the checked-in .clang-format, and the
# functions STYLE.md bans (unbounded copies, unchecked parsing).
set -u
cd "$(dirname "$0")/.." || exit 1
rc=0
files=$(git ls-files '*.c' '*.h')
if ! clang-format --dry-run -Werror $files; then
	echo "lint: formatting differs; run 'make format'" >&2
	rc=1
fi
banned='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\('
if git grep -nE "$banned" -- '*.c' '*.h'; then
	echo "lint: banned functions above (see STYLE.md)" >&2
	rc=1
fi
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
