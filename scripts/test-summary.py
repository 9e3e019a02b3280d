#!/usr/bin/env python3
"""Prints one line 'tests: N passed, M failed' over the Meson test logs of
the given build directories (each test counted once per build it ran in).
A test never skips (missing data is a failure), so a skipped test counts
as failed and is also named after the counts."""
import json
import os
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        print(f"test-summary: no test log in {build} (the build failed?)",
              file=sys.stderr)
        failed += 1
        continue
    with open(log) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
                failed += 1
            else:
                failed += 1
line = f"tests: {passed} passed, {failed} failed"
if skipped:
    line += f" ({skipped} of them skipped: a test must not skip)"
print(line)
sys.exit(1 if failed else 0)
