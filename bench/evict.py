#!/usr/bin/env python3
"""Makes the benchmark tree cold: its file data out of the page cache.

First tries the whole system's caches (/proc/sys/vm/drop_caches = 3, which
also drops cached directory entries and inodes, so a walk is cold too).
Where that is not permitted it falls back to POSIX_FADV_DONTNEED on every
file of the list, which evicts file data only: directory entries and
inodes stay cached, so a "cold" walk is then warm for metadata.

Eviction is verified with fincore(1) (mincore) on a sample of files: the
result says how many of the sample's bytes are still resident.

  python3 bench/evict.py [--method auto|drop|fadvise] FILELIST SAMPLELIST
FILELIST and SAMPLELIST hold one path per line (NUL-free paths).
"""

import argparse
import json
import os
import subprocess
import sys


def drop_caches():
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def fadvise(paths):
    os.sync()
    for p in paths:
        try:
            fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def resident(sample):
    """(bytes resident, bytes in all) over the sample, from fincore."""
    res = size = 0
    for i in range(0, len(sample), 200):
        r = subprocess.run(["fincore", "-b", "-n", "-r", "-o", "RES,SIZE"]
                           + sample[i:i + 200], capture_output=True,
                           text=True, check=True)
        for line in r.stdout.split("\n"):
            if line.strip():
                a, b = line.split()[:2]
                res += int(a)
                size += int(b)
    return res, size


def read_list(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        return [l for l in fh.read().split("\n") if l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", choices=["auto", "drop", "fadvise"],
                    default="auto")
    ap.add_argument("filelist")
    ap.add_argument("samplelist")
    a = ap.parse_args()
    method = None
    if a.method in ("auto", "drop") and drop_caches():
        method = "drop_caches"
    elif a.method == "drop":
        sys.exit("evict: writing /proc/sys/vm/drop_caches not permitted")
    else:
        fadvise(read_list(a.filelist))
        method = "fadvise"
    res, size = resident(read_list(a.samplelist))
    print(json.dumps({"method": method, "sample_bytes": size,
                      "resident_bytes": res,
                      "resident_pct": round(100.0 * res / max(size, 1), 3)}))


if __name__ == "__main__":
    main()
