"""Helpers of the attack tests.

spawn USER GROUP CMD...: starts CMD as USER:GROUP (no supplementary
groups); prints "pid N" once CMD is running (Popen returns after the exec,
which a close-on-exec pipe reports), then waits for it and prints
"signal N" or "exit N" when it ends.  The test reads both lines from a
FIFO, so it waits on events, never on time.
"""
import subprocess
import sys


def spawn(user, group, cmd):
    p = subprocess.Popen(cmd, user=user, group=group, extra_groups=[],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    print("pid %d" % p.pid, flush=True)
    rc = p.wait()
    print("signal %d" % -rc if rc < 0 else "exit %d" % rc, flush=True)


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "spawn":
        spawn(sys.argv[2], sys.argv[3], sys.argv[4:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
