#!/usr/bin/env python3
"""Exports check of `make lint` (scripts/lint.sh): every function that a
file under src/ defines without `static` must be called (or have its
address taken) from another translation unit -- another src/ file, a
test, a fuzz target or a benchmark.  One used only in its own file is
made static; one used nowhere is removed (ARCHITECTURE.md: what is not
in a folder's public header is static).

It reads the objects of the plain build (build/, made by `make build`;
`make lint` builds it first): build/compile_commands.json names each
object and its source; `nm` gives the functions an object defines (T)
and the symbols it needs from elsewhere (U).  A source compiled into two
libraries (rp_quarantine and rp_quarantine_crashtest) is one
translation unit: its copies do not count as each other's users.  A
function a file defines only under a test-build macro is checked in the
build that compiles it.  `main` is exempt.

Usage: lint-exports.py [BUILD_DIR]   (default: build)
       lint-exports.py --self-test   (compiles tests/data/lint/exports/
                                      and checks what is flagged)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

EXEMPT = {"main"}


def nm_symbols(obj):
    """(defined functions, undefined symbols) of one object file."""
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        if parts[1] == "T":
            defined.add(parts[0])
        elif parts[1] == "U":
            undefined.add(parts[0])
    return defined, undefined


def unused_exports(objects, checked):
    """objects: (object path, source path) pairs.  Returns sorted (source,
    function) pairs for functions defined by a source for which checked()
    is true and needed by no object of another source."""
    defs, users = {}, {}
    for obj, src in objects:
        defined, undefined = nm_symbols(obj)
        if checked(src):
            for f in defined:
                defs.setdefault(f, set()).add(src)
        for f in undefined:
            users.setdefault(f, set()).add(src)
    bad = []
    for f, srcs in defs.items():
        if f in EXEMPT or users.get(f, set()) - srcs:
            continue
        bad.extend((s, f) for s in srcs)
    return sorted(bad)


def build_objects(build):
    path = os.path.join(build, "compile_commands.json")
    try:
        with open(path) as fh:
            cmds = json.load(fh)
    except OSError as e:
        sys.exit(f"lint-exports: {path}: {e.strerror}; run 'make build'")
    objects, missing = [], []
    for c in cmds:
        obj = os.path.normpath(os.path.join(c["directory"], c["output"]))
        src = os.path.relpath(os.path.normpath(
            os.path.join(c["directory"], c["file"])))
        if not os.path.isfile(obj):
            missing.append(obj)
            continue
        objects.append((obj, src))
    if missing:
        sys.exit(f"lint-exports: {len(missing)} object(s) not built, first "
                 f"{missing[0]}; run 'make build'")
    return objects


def where(src, func):
    """file:line of func's definition (name at column 0), for the report."""
    try:
        with open(src, encoding="utf-8", errors="replace") as fh:
            for i, line in enumerate(fh, 1):
                if re.match(re.escape(func) + r"\s*\(", line):
                    return f"{src}:{i}"
    except OSError:
        pass
    return src


def self_test():
    """Compiles the fixtures and compares what is flagged with the lines
    that end in a 'reject' comment (each names the function it defines)."""
    fix = "tests/data/lint/exports"
    names = sorted(n for n in os.listdir(fix) if n.endswith(".c"))
    if not names:
        print(f"no fixtures in {fix}", file=sys.stderr)
        return 1
    want = set()
    objects = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, n in enumerate(names):
            src = os.path.join(fix, n)
            with open(src) as fh:
                for line in fh:
                    m = re.match(r"(\w+)\s*\(.*/\* reject \*/$", line)
                    if m:
                        want.add((src, m.group(1)))
            obj = os.path.join(tmp, f"{i}.o")
            subprocess.run(["cc", "-c", "-O0", "-o", obj, src], check=True)
            objects.append((obj, src))
        # the same source twice (two libraries): one translation unit
        objects.append((objects[0][0], objects[0][1]))
        got = set(unused_exports(objects, lambda s: "/src_" in s))
    for s, f in sorted(want - got):
        print(f"{s}: {f} not flagged", file=sys.stderr)
    for s, f in sorted(got - want):
        print(f"{s}: {f} flagged wrongly", file=sys.stderr)
    print(f"exports: {len(want)} to flag, {len(want ^ got)} wrong")
    return 1 if want ^ got or not want else 0


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    bad = unused_exports(build_objects(build),
                         lambda s: s.startswith("src/"))
    for src, func in bad:
        print(f"{where(src, func)}: {func} is not static but no other file "
              "uses it: make it static, or remove it if nothing calls it",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
