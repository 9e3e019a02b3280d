#!/usr/bin/env python3
"""Runs one command and prints its wall time, CPU time and peak RSS as JSON.

The command runs under GNU time(1), whose wait4() rusage covers exactly
the command and its descendants.  (Not getrusage(RUSAGE_CHILDREN) here:
a child forked from Python inherits Python's ~14 MB resident set until
exec, and Linux keeps that peak in ru_maxrss, which would hide a smaller
agent.)  The peak RSS is the largest of any single process among them
(for a pipeline: of its biggest member), not their sum.  Wall time is
taken here, around the whole run.

  python3 bench/measure.py [--out FILE] [--err FILE] -- CMD [ARG...]
"""

import argparse
import json
import os
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/dev/null", help="the command's stdout")
    ap.add_argument("--err", default="/dev/null", help="the command's stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        sys.exit("measure: no command")
    tfile = a.err + ".time"
    timed = ["/usr/bin/time", "-f", "%M %U %S", "-o", tfile] + cmd
    with open(a.out, "wb") as out, open(a.err, "wb") as err:
        t0 = time.monotonic()
        rc = subprocess.run(timed, stdout=out, stderr=err).returncode
        wall = time.monotonic() - t0
    with open(tfile, encoding="utf-8") as fh:
        rss, user, sys_ = fh.read().strip().split("\n")[-1].split()
    os.unlink(tfile)
    print(json.dumps({"wall": round(wall, 4), "user": float(user),
                      "sys": float(sys_), "maxrss_kb": int(rss), "rc": rc}))


if __name__ == "__main__":
    main()
