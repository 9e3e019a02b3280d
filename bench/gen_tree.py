#!/usr/bin/env python3
"""Generates the file tree and indicator bundles the sweep benchmark runs on.

Deterministic for a given seed: the same directories, names, sizes and
bytes every time.  Layout of OUT (default /work/bench-tree, kept outside
the repository):

  OUT/root/                    the tree to sweep
  OUT/indicators.txt           500 SHA-256 indicators, one per line
  OUT/indicators-sized.csv     the same with file sizes (Rampart CSV)
  OUT/bundle-sha256.json       the list, sizes unknown
  OUT/bundle-sha256-sized.json the CSV, each with a file size
  OUT/bundle-yara.json         the Volexity 3CX YARA rules only
  OUT/manifest.json            what was generated and what must be found

The tree looks like a system: about 10-100 files per directory, depth up
to 8, hidden names, symlinks (to files, to directories, dangling, and one
pointing back at the root), mostly small files, some 16 KiB-1 MiB and a
few 1-64 MiB.  Contents are pseudo-random bytes or pseudo-text taken from
seeded pools, each file starting with a 32-byte header unique to it, so
no two files of 32 bytes or more share a SHA-256.

Planted: three files whose SHA-256 are among the indicators, and one file
carrying the byte pattern of the Volexity rule apt_win_3cx_backdoored_lib
(its wildcards filled with seeded bytes), so each sweep has real hits.

  python3 bench/gen_tree.py [--out DIR] [--files N] [--seed S]
                            [--rampart PATH] [--force]
"""

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time

KIB = 1024
MIB = 1024 * KIB
POOL_BIN = 72 * MIB
POOL_TEXT = 8 * MIB
CREATED = "2026-11-23T00:00:00Z"  # fixed, so bundles are reproducible
OUTPUTS = ["indicators.txt", "indicators-sized.csv", "bundle-sha256.json",
           "bundle-sha256-sized.json", "bundle-yara.json", "manifest.json"]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("RAMPART_SHARED_DATA", "/work/shared/data")
RULES = os.path.join(SHARED, "3cx", "volexity-rules.yar")
YARA_RULE = "apt_win_3cx_backdoored_lib"

# The $shellcode pattern of apt_win_3cx_backdoored_lib; None = a ?? byte.
SHELLCODE = """
44 8D 4A ?? 44 8D 92 ?? ?? ?? ?? 45 85 C9 45 0F 49 D1 41 81 E2 00 FF FF FF
41 F7 DA 44 01 D2 FF C2 4C 63 CA 46 8A 94 0C ?? ?? ?? ?? 45 00 D0 45 0F B6
D8 42 8A AC 1C ?? ?? ?? ?? 46 88 94 1C ?? ?? ?? ?? 42 88 AC 0C ?? ?? ?? ??
42 02 AC 1C ?? ?? ?? ?? 44 0F B6 CD 46 8A 8C 0C ?? ?? ?? ?? 45 30 0C 0E 48
FF C1 48 39 C8 75 ??
"""

TOPS = ["usr", "etc", "var", "opt", "home", "srv", "lib", "root"]
SYLL = ["al", "be", "ca", "do", "en", "fi", "go", "ha", "io", "ju", "ka",
        "lo", "mi", "no", "or", "pa", "qu", "ri", "st", "tu", "ul", "ve",
        "wi", "xe", "yo", "za", "lib", "net", "sys", "cfg", "x86", "gtk"]
EXT_BIN = [".so", ".bin", ".dat", ".png", ".gz", ".o", ".a", ".jpg",
           ".dll", ".exe", ".pyc", ".db", ""]
EXT_TEXT = [".txt", ".conf", ".py", ".h", ".c", ".md", ".json", ".xml",
            ".sh", ".log", ".html", ".desktop"]


def shellcode_bytes(rng):
    out = bytearray()
    for tok in SHELLCODE.split():
        out.append(rng.randrange(256) if tok == "??" else int(tok, 16))
    return bytes(out)


def make_name(rng, used, text):
    while True:
        n = "".join(rng.choice(SYLL) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            n += "-" + str(rng.randint(0, 99))
        if text is not None:
            n += rng.choice(EXT_TEXT if text else EXT_BIN)
        if rng.random() < 0.04:
            n = "." + n  # hidden: fdfind needs -H to see it
        if n not in used:
            used.add(n)
            return n


def make_dirs(rng, nfiles):
    """Directories as (relpath, depth) and per-directory file counts."""
    dirs, counts, used = [], [], {}
    for t in TOPS:
        dirs.append((t, 1))
        counts.append(rng.randint(10, 100))
        used[t] = set()
    total = sum(counts)
    while total < nfiles:
        # Attach under a random directory: deep trees stay rare.
        parent, depth = dirs[rng.randrange(len(dirs))]
        if depth >= 8:
            continue
        name = make_name(rng, used[parent], None)
        path = parent + "/" + name
        dirs.append((path, depth + 1))
        used[path] = set()
        c = min(rng.randint(10, 100), nfiles - total)
        counts.append(c)
        total += c
    return dirs, counts, used


def file_size(rng, large):
    if large:
        return int(math.exp(rng.uniform(math.log(MIB), math.log(64 * MIB))))
    u = rng.random()
    if u < 0.01:
        return 0
    if u < 0.96:
        return int(16 * KIB * rng.random() ** 2)
    return int(math.exp(rng.uniform(math.log(16 * KIB), math.log(MIB))))


def text_pool(rng):
    words = ["".join(rng.choice(SYLL) for _ in range(rng.randint(1, 4)))
             for _ in range(4000)]
    out, n = [], 0
    while n < POOL_TEXT:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
        out.append(line)
        n += len(line) + 1
    return "\n".join(out).encode()[:POOL_TEXT]


def write_all(fd, data):
    mv = memoryview(data)
    while mv:
        n = os.write(fd, mv)
        mv = mv[n:]


def write_file(path, size, header, pool, rng, h=None, insert=None):
    """Writes size bytes: header, then pool slices; insert at its offset."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                 0o644)
    try:
        chunks, left = [header[:size]], size - min(size, len(header))
        while left > 0:
            n = min(left, len(pool) // 2)
            off = rng.randrange(len(pool) - n + 1)
            chunks.append(pool[off:off + n])
            left -= n
        if insert is not None:
            off, data = insert
            buf = bytearray(b"".join(chunks))
            buf[off:off + len(data)] = data
            chunks = [bytes(buf)]
        for c in chunks:
            write_all(fd, c)
            if h is not None:
                h.update(c)
    finally:
        os.close(fd)


def gen_files(root, rng, dirs, counts, used, pools, seed, nlarge):
    """Writes every file; returns (entries, bytes) with entries (rel, size)."""
    entries, total = [], 0
    nfiles = sum(counts)
    large = set(rng.sample(range(nfiles), nlarge))
    i = 0
    for (d, _), c in zip(dirs, counts):
        os.makedirs(os.path.join(root, d), exist_ok=True)
        for _ in range(c):
            text = rng.random() < 0.3
            name = make_name(rng, used[d], text)
            size = file_size(rng, i in large)
            hdr = hashlib.sha256(b"%d:%d" % (seed, i)).digest()
            if text:
                hdr = hdr.hex()[:31].encode() + b"\n"
            rel = d + "/" + name
            write_file(os.path.join(root, rel), size, hdr,
                       pools[1 if text else 0], rng)
            entries.append((rel, size))
            total += size
            i += 1
    return entries, total


def plant(root, rng, dirs, used, pool):
    """The indicator files and the YARA hit; returns their records."""
    planted = []
    sizes = [4321, 187 * KIB + 13, 3 * MIB + 7]
    names = ["ffmpeg.dll", "d3dcompiler_47.dll", "3CXDesktopApp.exe"]
    for n, s in zip(names, sizes):
        d = rng.choice(dirs)[0]
        used[d].add(n)
        rel = d + "/" + n
        h = hashlib.sha256()
        write_file(os.path.join(root, rel), s, hashlib.sha256(rel.encode()).digest(), pool, rng, h)
        planted.append({"path": rel, "size": s, "sha256": h.hexdigest()})
    d = [x for x in dirs if x[1] >= 5][0][0]
    rel = d + "/libffmpeg.so"
    used[d].add("libffmpeg.so")
    code = shellcode_bytes(rng)
    size, off = 212 * KIB + 5, 77 * KIB + 3
    h = hashlib.sha256()
    write_file(os.path.join(root, rel), size,
               hashlib.sha256(rel.encode()).digest(), pool, rng, h,
               (off, code))
    yhit = {"path": rel, "size": size, "sha256": h.hexdigest(),
            "rule": YARA_RULE, "offset": off}
    return planted, yhit


def make_symlinks(root, rng, dirs, entries):
    links = []
    picks = rng.sample(range(len(dirs)), max(4, len(dirs) // 50))
    for k, di in enumerate(picks):
        d = dirs[di][0]
        kind = ["file", "dir", "dangling", "file"][k % 4]
        if kind == "file":
            target = os.path.relpath(rng.choice(entries)[0], d)
        elif kind == "dir":
            target = os.path.relpath(rng.choice(dirs)[0], d)
        else:
            target = "no-such-file-%d" % k
        rel = "%s/link-%d" % (d, k)
        os.symlink(target, os.path.join(root, rel))
        links.append({"path": rel, "kind": kind, "target": target})
    # A loop: a tool following directory symlinks would walk forever.
    rel = dirs[picks[0]][0] + "/loop-to-root"
    os.symlink(os.path.relpath(".", dirs[picks[0]][0]),
               os.path.join(root, rel))
    links.append({"path": rel, "kind": "loop", "target": "."})
    return links


def indicators(rng, planted):
    """500 SHA-256: the planted ones, the real 3CX ones, the rest random."""
    vals = [(p["sha256"], p["size"], "planted " + p["path"]) for p in planted]
    seen = {v[0] for v in vals}
    for f in sorted(os.listdir(os.path.join(SHARED, "3cx"))):
        if not f.endswith(".csv"):
            continue
        with open(os.path.join(SHARED, "3cx", f), encoding="utf-8") as fh:
            for tok in fh.read().replace(",", " ").split():
                t = tok.strip("\"'").lower()  # Volexity quotes its cells
                if len(t) == 64 and all(c in "0123456789abcdef" for c in t):
                    if t not in seen:
                        seen.add(t)
                        vals.append((t, 0, "3CX " + f))
    while len(vals) < 500:
        t = "%064x" % rng.getrandbits(256)
        if t not in seen:
            seen.add(t)
            vals.append((t, rng.randint(1, 4 * MIB), "random"))
    return vals


def bundle_json(vals, sized, yara_text):
    inds = []
    for v, size, src in vals:
        ind = {"type": "sha256", "value": v, "source": "bench",
               "comment": src}
        if sized and size:
            ind["size"] = size
        inds.append(ind)
    yara = []
    if yara_text is not None:
        yara.append({"name": "volexity-rules.yar", "source": "bench",
                     "text": yara_text})
    return {"rampart_bundle": 1, "created": CREATED, "advisories": [],
            "indicators": inds, "yara": yara}


def write_json(path, doc):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, sort_keys=True)
        fh.write("\n")


def rampart_bundle(rampart, args, out):
    """Builds a bundle with 'rampart bundle'; False when unavailable."""
    if not rampart or not os.access(rampart, os.X_OK):
        return False
    r = subprocess.run([rampart, "bundle", "--help"], capture_output=True)
    if r.returncode != 0:
        return False
    subprocess.run([rampart, "bundle"] + args + ["-o", out], check=True,
                   stderr=subprocess.DEVNULL)
    return True


def write_lists(out, vals):
    """The plain indicator list and a Rampart CSV list with sizes."""
    lst = os.path.join(out, "indicators.txt")
    with open(lst, "w", encoding="utf-8") as fh:
        fh.write("# 500 SHA-256 indicators for the sweep benchmark\n")
        for v, _, c in vals:
            fh.write("%s %s\n" % (v, c))
    # The 3CX samples' sizes are not published; they get made-up sizes
    # here (they match nothing in the tree either way), so that every
    # indicator has one and the agent's size pre-filter can work.
    srng = random.Random(len(vals))
    sized = [(v, s or srng.randint(1, 4 * MIB), c) for v, s, c in vals]
    csv = os.path.join(out, "indicators-sized.csv")
    with open(csv, "w", encoding="utf-8") as fh:
        fh.write("type,value,comment,size\n")
        for v, s, c in sized:
            fh.write("sha256,%s,%s,%d\n" % (v, c, s))
    return lst, csv, sized


def write_bundles(out, vals, rampart):
    """Builds the bundles with 'rampart bundle' when it exists."""
    with open(RULES, encoding="utf-8") as fh:
        rules = fh.read()
    lst, csv, sized = write_lists(out, vals)
    how = {}
    for name, args, doc in [
            ("bundle-sha256.json", ["--indicators", lst],
             bundle_json(vals, False, None)),
            ("bundle-sha256-sized.json", ["--indicators", csv],
             bundle_json(sized, True, None)),
            ("bundle-yara.json", ["--yara", RULES],
             bundle_json([], False, rules))]:
        path = os.path.join(out, name)
        if rampart_bundle(rampart, args, path):
            how[name] = "rampart bundle " + " ".join(args)
        else:
            write_json(path, doc)
            how[name] = "written by gen_tree.py (no 'rampart bundle')"
    return how


def check_out(out, force):
    real = os.path.realpath(out)
    if real == REPO or real.startswith(REPO + os.sep):
        sys.exit("gen_tree: %s is inside the repository" % out)
    if not os.path.exists(out):
        return
    if not os.path.exists(os.path.join(out, "manifest.json")):
        sys.exit("gen_tree: %s exists and was not made by gen_tree.py" % out)
    if not force:
        sys.exit("gen_tree: %s exists; --force regenerates it" % out)
    # Only what this script wrote goes; results/ of earlier runs stays.
    shutil.rmtree(os.path.join(out, "root"), ignore_errors=True)
    for f in OUTPUTS:
        if os.path.exists(os.path.join(out, f)):
            os.unlink(os.path.join(out, f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/work/bench-tree")
    ap.add_argument("--files", type=int, default=210000)
    ap.add_argument("--large", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20260323)
    ap.add_argument("--rampart", default=None,
                    help="rampart CLI used to build the bundles")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    check_out(a.out, a.force)
    t0 = time.monotonic()
    rng = random.Random(a.seed)
    pools = (memoryview(rng.randbytes(POOL_BIN)),
             memoryview(text_pool(rng)))
    root = os.path.join(a.out, "root")
    os.makedirs(root)  # fails if a root/ is left over: never written into
    dirs, counts, used = make_dirs(rng, a.files)
    entries, total = gen_files(root, rng, dirs, counts, used, pools, a.seed,
                               a.large)
    planted, yhit = plant(root, rng, dirs, used, pools[0])
    links = make_symlinks(root, rng, dirs, entries)
    vals = indicators(rng, planted)
    how = write_bundles(a.out, vals, a.rampart)
    nreg = len(entries) + len(planted) + 1
    nbytes = total + sum(p["size"] for p in planted) + yhit["size"]
    depth = {}
    for _, dep in dirs:
        depth[dep] = depth.get(dep, 0) + 1
    sz = [s for _, s in entries]
    man = {
        "seed": a.seed, "root": root, "files": nreg, "bytes": nbytes,
        "dirs": len(dirs) + 1, "symlinks": len(links),
        "dirs_by_depth": depth,
        "files_by_size": {
            "0-16KiB": sum(1 for s in sz if s < 16 * KIB),
            "16KiB-1MiB": sum(1 for s in sz if 16 * KIB <= s < MIB),
            "1-64MiB": sum(1 for s in sz if s >= MIB)},
        "planted_sha256": planted, "planted_yara": yhit,
        "symlink_list": links, "indicators": len(vals), "bundles": how,
        "generate_seconds": round(time.monotonic() - t0, 1)}
    write_json(os.path.join(a.out, "manifest.json"), man)
    print("gen_tree: %d files, %.2f GB, %d dirs, %d symlinks in %.0f s -> %s"
          % (nreg, nbytes / 1e9, len(dirs) + 1, len(links),
             man["generate_seconds"], a.out))


if __name__ == "__main__":
    main()
