#!/usr/bin/env python3
"""Prints the Ninja targets that the tests of one Meson suite need (their
executables and `depends`), so a build directory used for only a few tests
(build-tsan) builds only those.

Usage: suite-targets.py BUILD_DIR SUITE
"""
import json
import os
import subprocess
import sys


def introspect(build, what):
    out = subprocess.run(["meson", "introspect", what, build], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    build, suite = sys.argv[1], sys.argv[2]
    targets = {t["id"]: t for t in introspect(build, "--targets")}
    by_file = {f: t for t in targets.values() for f in t["filename"]}
    want = set()
    tests = [t for t in introspect(build, "--tests")
             if any(s.split(":")[-1] == suite for s in t["suite"])]
    if not tests:
        sys.exit(f"suite-targets: no tests in suite {suite} in {build}")
    for t in tests:
        ids = list(t.get("depends", []))
        if t["cmd"] and t["cmd"][0] in by_file:
            ids.append(by_file[t["cmd"][0]]["id"])
        for i in ids:
            if i in targets:
                for f in targets[i]["filename"]:
                    want.add(os.path.relpath(f, os.path.abspath(build)))
    print("\n".join(sorted(want)))


if __name__ == "__main__":
    main()
