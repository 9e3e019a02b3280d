#!/usr/bin/env python3
"""`make run` (scripts/run-local.py): rampartd on SQLite in a fresh state
directory with this machine's agent beside it.  The first start enrols
the agent into tenant "local" and its inventory reaches the server; an
imported advisory is evaluated against it; Ctrl-C stops both; a second
start enrols nothing more and runs the same agent again."""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (Client, FP_RE, check, fail, free_port,  # noqa: E402
                        parse_bootstrap, wall_step)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(
    os.environ["RAMPARTD_BIN"])))
CSAF = os.path.join(os.environ.get("RAMPART_TEST_DATA", "tests/data"),
                    "3cx", "3cx-csaf.json")


class Run:
    def __init__(self, var, port):
        self.out = ""
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "run-local.py"),
             BUILD, var, str(port)], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for(self, pattern):
        fd = self.proc.stdout.fileno()
        while not re.search(pattern, self.out, re.M):
            r, _, _ = select.select([fd], [], [], 120)
            chunk = os.read(fd, 65536) if r else b""
            if not chunk:
                fail(f"make run: no '{pattern}' in:\n{self.out[-4000:]}")
            self.out += chunk.decode(errors="replace")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.out += self.proc.stdout.read().decode(errors="replace")
        return self.proc.wait(timeout=120)

    def kill(self):
        """The launcher, rampartd and the agent at once (a failed test
        leaves nothing running)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def agents(c):
    r = c.request("GET", "/api/v1/agents?tenant=local")
    check(r.status == 200, f"agents of local: {r}")
    return r.json["items"]


def main():
    var = tempfile.mkdtemp(prefix="rampart-run-")
    os.chmod(var, 0o755)
    port = free_port()
    run = None
    try:
        run = Run(var, port)
        run.wait_for(r'^run: this machine is enrolled in tenant "local"')
        run.wait_for(r'msg="upload accepted" seq=1 kind=inventory-full')
        creds = parse_bootstrap(run.out)
        fp = FP_RE.search(run.out).group(1)
        c = Client("127.0.0.1", port, fp)
        # run-local.py used this step's code: a code is taken once.
        check(c.login(creds["user"], creds["password"],
                      creds["totp_secret"],
                      t=(wall_step() + 1) * 30).status == 200, "login")
        ag = agents(c)
        check(len(ag) == 1 and ag[0]["inventory"] == 1 and
              ag[0]["software"] > 0, f"this machine's agent: {ag}")
        r = c.request("POST", "/api/v1/advisories",
                      raw=open(CSAF, "rb").read(), ctype="application/json")
        check(r.status == 201, f"import: {r}")
        r = c.request("GET", "/api/v1/findings/counts?tenant=local")
        check(r.status == 200, f"findings of this machine: {r}")
        check(run.stop() == 0, f"Ctrl-C: {run.out[-2000:]}")
        left = subprocess.run(["pgrep", "-f", var], capture_output=True)
        check(left.returncode == 1, f"left running: {left.stdout}")
        run = Run(var, port)
        run.wait_for(r'msg="agent started" agent_id=' + ag[0]["id"])
        check("enrolled in tenant" not in run.out and
              "administrator" not in run.out, "a second start enrols again")
        check(len(agents(c)) == 1, "one agent after the second start")
        check(run.stop() == 0, f"Ctrl-C again: {run.out[-2000:]}")
    finally:
        if run is not None:
            run.kill()
        subprocess.run(["pkill", "-KILL", "-f", var])
        shutil.rmtree(var, ignore_errors=True)
    print("make run: ok")


if __name__ == "__main__":
    main()
