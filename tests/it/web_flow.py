#!/usr/bin/env python3
"""The 3CX day in the web UI, end to end in a real browser: a real
rampartd on SQLite, two customers (acme, globex) with their response
policy off, and three real `rampart-agent run` daemons on prepared trees
-- mac-ceo-01 (acme: the affected 3CX Desktop App, and the two harmless
demo files of demo/hosts planted in its app bundle), mac-law-01 (globex:
the affected app) and srv-db-01 (globex: a clean Debian server).  Then
tests/it/web_flow.mjs drives Debian's chromium: a technician logs in
with TOTP, imports demo/3cx-demo-advisory.json by upload, sees the
affected hosts of both customers, starts the sweep-and-quarantine jobs
from the advisory's page (globex's waits for a second user, and an
msp-admin approves it there), sees their results, restores one quarantined
file from the machine's page and logs out; a viewer sees no action and
a viewer's crafted POST is refused; a new user sets up TOTP from the QR
code.  Every page passes axe and the keyboard walk (web_lib.mjs).
Afterwards this script checks on disk that the restored file is back,
byte-identical, and that the other one is still in quarantine.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_lib  # noqa: E402
from server_lib import Server, check, fail  # noqa: E402
from web_ui import api, run_node, server_checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
AGENT = os.environ["RAMPART_AGENT"]
TEST_DATA = os.environ["RAMPART_TEST_DATA"]
ADVISORY = os.path.join(TOP, "demo", "3cx-demo-advisory.json")
PLANTED_FROM = os.path.join(TOP, "demo", "hosts", "ws-acct-01", "Users",
                            "anna", "AppData", "Local", "Programs",
                            "3CXDesktopApp", "app")
PLANTED_TO = os.path.join("Applications", "3CX Desktop App.app",
                          "Contents", "Frameworks")
PLANTED = ("ffmpeg.dll", "d3dcompiler_47.dll")
MACHINES = (("mac-ceo-01", "acme"), ("mac-law-01", "globex"),
            ("srv-db-01", "globex"))
WAIT = 240


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree(work, host):
    """A machine's file system, copied from the fixtures."""
    root = os.path.join(work, host, "root")
    if host.startswith("mac-"):
        shutil.copytree(os.path.join(TEST_DATA, "apps", "macroot"), root,
                        symlinks=True, ignore=shutil.ignore_patterns(
                            "Broken.app", "Outside.app"))
    else:
        shutil.copytree(os.path.join(TOP, "demo", "hosts", host), root,
                        symlinks=True)
    if host == "mac-ceo-01":
        dst = os.path.join(root, PLANTED_TO)
        os.makedirs(dst, exist_ok=True)
        for f in PLANTED:
            shutil.copy(os.path.join(PLANTED_FROM, f), dst)
    return root


class Agents:
    """The three daemons, each with its tree, state and quarantine."""

    def __init__(self, srv, c, work):
        self.procs, self.ids, self.roots = [], {}, {}
        url = f"https://127.0.0.1:{srv.port}"
        for host, tenant in MACHINES:
            d = os.path.join(work, host)
            root = tree(work, host)
            tok = api(c, "POST", f"/api/v1/tenants/{tenant}/enroll-tokens",
                      {"name": host}, want=201)
            state = os.path.join(d, "state")
            r = subprocess.run([AGENT, "enroll", url, "-", "--state", state,
                                "--hostname", host],
                               input=tok["secret"] + "\n", text=True,
                               capture_output=True, timeout=WAIT)
            check(r.returncode == 0, f"enrol {host}: {r.stderr}")
            with open(os.path.join(state, "agent.json")) as f:
                self.ids[host] = json.load(f)["agent_id"]
            self.roots[host] = root
            log = open(os.path.join(d, "agent.log"), "wb")
            self.procs.append((host, log, subprocess.Popen(
                [AGENT, "run", "--state", state, "--hostname", host,
                 "--heartbeat", "5", "--inventory-root", root,
                 "--job-root", root, "--store",
                 os.path.join(d, "quarantine")],
                stdout=log, stderr=subprocess.STDOUT)))

    def wait_inventories(self, c):
        for host, aid in self.ids.items():
            for _ in range(WAIT * 10):
                if api(c, "GET", f"/api/v1/agents/{aid}")["inventory"] >= 1:
                    break
                self.alive()
                time.sleep(0.1)
            else:
                fail(f"{host} sent no inventory")

    def alive(self):
        for host, _, p in self.procs:
            check(p.poll() is None, f"{host}'s agent exited {p.returncode}")

    def stop(self):
        for _, log, p in self.procs:
            if p.poll() is None:
                p.terminate()
        for host, log, p in self.procs:
            try:
                p.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            log.close()


def seed(srv, c):
    """Customers, a technician and a viewer with TOTP, a user without."""
    for slug, name in (("acme", "Acme Dental"), ("globex", "Globex Law")):
        api(c, "POST", "/api/v1/tenants", {"slug": slug, "name": name},
            want=201)
    # globex's jobs wait for a second user's approval, whatever their size
    api(c, "PATCH", "/api/v1/tenants/globex", {"approval_hosts": 0})
    users = {}
    for name, role, totp in (("tina", "technician", True),
                             ("vic", "viewer", True),
                             ("nora", "technician", False)):
        u = api(c, "POST", "/api/v1/users",
                {"name": name, "role": role, "tenants": ["acme", "globex"],
                 "totp": totp}, want=201)
        users[name] = {"user": name, "password": u["password"],
                       "totp_secret": u.get("totp_secret", ""),
                       "last_step": -1}
    return users


def check_disk(agents):
    """One planted file restored byte-identical, the other still held."""
    root = agents.roots["mac-ceo-01"]
    back = [f for f in PLANTED
            if os.path.exists(os.path.join(root, PLANTED_TO, f))]
    check(len(back) == 1, f"restored files on disk: {back}")
    check(sha(os.path.join(root, PLANTED_TO, back[0])) ==
          sha(os.path.join(PLANTED_FROM, back[0])),
          f"{back[0]} is not byte-identical after the restore")


def main():
    node = shutil.which("node")
    check(node is not None, "node is missing (scripts/setup-deps.sh)")
    work = tempfile.mkdtemp(prefix="web-flow-")
    srv = Server().start()
    agents = None
    try:
        boot = srv.bootstrap
        c = srv.client()
        r = c.login(boot["user"], boot["password"], boot["totp_secret"])
        check(r.status == 200, f"admin login: {r}")
        users = seed(srv, c)
        users["admin"] = {"user": boot["user"], "password": boot["password"],
                          "totp_secret": boot["totp_secret"],
                          "last_step": server_lib._last_step.get(
                              boot["totp_secret"], -1)}
        agents = Agents(srv, c, work)
        agents.wait_inventories(c)
        env = dict(os.environ)
        env.update({
            "RAMPART_URL": f"https://127.0.0.1:{srv.port}",
            "RAMPART_FINGERPRINT": srv.fingerprint,
            "RAMPART_USERS": json.dumps(users),
            "RAMPART_HOSTS": json.dumps(agents.ids),
            "RAMPART_ADVISORY": ADVISORY,
        })
        rc = run_node(srv, [node, os.path.join(HERE, "web_flow.mjs")], env)
        if rc != 0:
            print(srv.drain()[-20000:], file=sys.stderr)
            last = api(c, "GET", "/api/v1/audit?order=desc&limit=8")
            for e in last["items"]:
                print(f"audit: {e['action']} {e['target']} {e['outcome']} "
                      f"{e['detail']}", file=sys.stderr)
            fail(f"web_flow.mjs failed (exit {rc}); rampartd's output above")
        agents.alive()
        check_disk(agents)
        agents.stop()
        agents = None
        server_checks(srv, users)
    finally:
        if agents is not None:
            agents.stop()
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("web_flow: ok")


if __name__ == "__main__":
    main()
