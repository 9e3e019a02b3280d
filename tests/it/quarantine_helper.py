#!/usr/bin/env python3
"""Helpers of the quarantine integration tests.

entries LIST_JSON PATH [STATE]: print the ids of entries for PATH.
run DELAY_S CMD...: run CMD, SIGKILL it after DELAY_S seconds if it still
runs; print "killed" or "exit N".
measure CMD...: run CMD, print how long it took in seconds.
"""
import json
import os
import signal
import subprocess
import sys
import time


def entry_path(e):
    if "path_hex" in e:
        return bytes.fromhex(e["path_hex"])
    return e["path"].encode("utf-8", "surrogateescape")


def entries(listfile, path, state):
    with open(listfile, "rb") as f:
        data = json.load(f)
    want = os.fsencode(path)
    for e in data:
        if e.get("state") == "damaged":
            continue
        if entry_path(e) == want and (not state or e["state"] == state):
            print(e["id"])


def run(delay, cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
        print("exit %d" % p.returncode)
        return
    except subprocess.TimeoutExpired:
        pass
    p.send_signal(signal.SIGKILL)
    rc = p.wait()
    print("killed" if rc == -signal.SIGKILL else "exit %d" % rc)


def measure(cmd):
    t = time.monotonic()
    rc = subprocess.call(cmd, stdout=subprocess.DEVNULL)
    if rc != 0:
        sys.exit("measured command failed: exit %d" % rc)
    print("%.6f" % (time.monotonic() - t))


def main():
    a = sys.argv
    if a[1] == "entries":
        entries(a[2], a[3], a[4] if len(a) > 4 else "")
    elif a[1] == "run":
        run(float(a[2]), a[3:])
    elif a[1] == "measure":
        measure(a[2:])
    else:
        sys.exit("unknown helper command")


if __name__ == "__main__":
    main()
