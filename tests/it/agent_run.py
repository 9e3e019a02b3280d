#!/usr/bin/env python3
"""rampart-agent run against a real rampartd (docs/agent-daemon.md,
docs/agent-protocol.md "Uploads"): an enrolled agent reads a fake
Debian 12 root; the server's findings for an imported openssl advisory
open from the agent's full inventory and resolve when the root's
packages are upgraded and the daemon sends a delta; the agent object
shows what it reported; SIGTERM ends the daemon with 0.

Then nothing may be lost or stored twice: with the server stopped,
three `run --once` with sweeps (1, 2, then 3 planted files) exit 3 and
leave their results queued; the server comes back, the daemon is
started and killed with SIGKILL as soon as the server has answered the
first queued upload (waited for in the server's log, not slept for);
a second run sends the rest.  The server then holds every queued sweep
exactly once (its seq, its hits, its detections, one audit entry each)
and the queued inventory once.  Finally the queue as it was before
sending is put back (as a kill between the server's answer and the
unlink would leave it): everything comes back duplicate:true, is
removed, and the server's data is unchanged."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import make_root  # noqa: E402
from server_lib import Server, check, fail, store_sql  # noqa: E402

AGENT = os.environ.get("RAMPART_AGENT")
TEST_DATA = os.environ.get("RAMPART_TEST_DATA")
WAIT = 300


# Every daemon started, killed when the test ends however it ends.
STARTED = []


def kill_started():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
            p.wait()


class Daemon:
    """rampart-agent run in the background; its log lines as they come."""

    def __init__(self, args):
        self.p = subprocess.Popen([AGENT, "run"] + args,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        self.lines = []
        self.cv = threading.Condition()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stderr:
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.lines.append(None)
            self.cv.notify_all()

    def wait_log(self, pattern):
        rx = re.compile(pattern)

        def seen():
            return any(x and rx.search(x) for x in self.lines) or \
                None in self.lines
        with self.cv:
            if not self.cv.wait_for(seen, WAIT) or \
                    not any(x and rx.search(x) for x in self.lines):
                fail(f"the agent did not log {pattern}:\n{self.text()}")

    def text(self):
        return "".join(x for x in self.lines if x)

    def finish(self):
        rc = self.p.wait(WAIT)
        self.t.join(WAIT)
        return rc


def once(state, *extra):
    return subprocess.run([AGENT, "run", "--once", "--state", state,
                           "--hostname", "ws-acct-01"] + list(extra),
                          capture_output=True, text=True, timeout=WAIT)


def queued(state):
    """(seq, kind) of the queue's items."""
    q = os.path.join(state, "queue")
    out = []
    for f in sorted(os.listdir(q)):
        if re.fullmatch(r"\d{16}", f):
            with open(os.path.join(q, f), "rb") as fh:
                head = fh.readline().decode().split()
            out.append((int(f), head[2]))
    return out


def all_pages(c, path):
    items, after = [], None
    while True:
        sep = "&" if "?" in path else "?"
        r = c.request("GET", path + (f"{sep}limit=500&after={after}"
                                     if after else f"{sep}limit=500"))
        check(r.status == 200, f"GET {path}: {r}")
        items += r.json["items"]
        after = r.json.get("next")
        if not after:
            return items


def set_versions(root, version):
    p = os.path.join(root, "var/lib/dpkg/status")
    text = open(p).read()
    text = re.sub(r"(Package: (?:libssl3|openssl)\n(?:.*\n)*?Version: ).*",
                  lambda m: m.group(1) + version, text)
    with open(p + ".new", "w") as f:
        f.write(text)
    os.rename(p + ".new", p)


def make_bundle(tmp):
    import hashlib
    sweep = os.path.join(tmp, "sweep")
    os.makedirs(sweep)
    bundle = os.path.join(tmp, "bundle.json")
    inds = []
    for i in range(3):
        content = f"rampart agent_run planted {i}\n".encode()
        inds.append({"type": "sha256", "source": "it-run",
                     "value": hashlib.sha256(content).hexdigest()})
    with open(bundle, "w") as f:
        json.dump({"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z",
                   "advisories": [], "yara": [], "indicators": inds}, f)
    return sweep, bundle


def plant(sweep, i):
    with open(os.path.join(sweep, f"planted-{i}.bin"), "wb") as f:
        f.write(f"rampart agent_run planted {i}\n".encode())


def part_findings(srv, c, state, root, agent_id):
    """Full inventory, findings open; upgrade, delta, findings resolved."""
    adv = open(os.path.join(TEST_DATA, "distro/DSA-5532-1.json"),
               "rb").read()
    r = c.request("POST", "/api/v1/advisories?tenants=acme", raw=adv,
                  ctype="application/json")
    check(r.status == 201, f"advisory import: {r}")
    d = Daemon(["--state", state, "--hostname", "ws-acct-01",
                "--inventory-root", root, "--inventory-interval", "1"])
    d.wait_log(r'msg="upload accepted" seq=1 kind=inventory-full '
               r'status=200 duplicate=false')
    items = all_pages(c, f"/api/v1/findings?host={agent_id}")
    names = sorted(f["software"]["name"] for f in items
                   if f["verdict"] == "affected")
    check(names == ["libssl3", "openssl"] and
          all(f["first_inventory"] == 1 for f in items),
          f"open findings after the full inventory: {items}")
    set_versions(root, "3.0.11-1~deb12u2")
    d.wait_log(r'msg="upload accepted" seq=\d+ kind=inventory-delta '
               r'status=200')
    m = re.search(r'msg="inventory queued" seq=(\d+) kind=inventory-delta '
                  r'software=\d+ add=2 remove=2', d.text())
    check(m, f"the delta is not 2 in, 2 out:\n{d.text()}")
    dseq = int(m.group(1))
    items = all_pages(c, f"/api/v1/findings?host={agent_id}&status=all")
    check(sorted((f["software"]["name"], f["status"], f["verdict"],
                  f["resolved_inventory"]) for f in items) ==
          [("libssl3", "resolved", "fixed", dseq),
           ("openssl", "resolved", "fixed", dseq)],
          f"findings after the upgrade: {items}")
    a = agent_info(c, agent_id)
    check(a["hostname"] == "ws-acct-01" and a["last_seen"] and
          a["agent_version"] and a["inventory"] == dseq and
          a["last_upload"] == dseq and a["software"] == open(
              os.path.join(root, "var/lib/dpkg/status")).read().count(
                  "Package: "), f"agent: {a}")
    d.p.send_signal(signal.SIGTERM)
    rc = d.finish()
    check(rc == 0 and "msg=stopping signal=TERM" in d.text(),
          f"SIGTERM: exit {rc}:\n{d.text()}")
    check(queued(state) == [], f"left queued: {queued(state)}")


def agent_seq(srv, agent_id):
    rows = store_sql(srv, f"SELECT seq FROM agents WHERE id = '{agent_id}'")
    check(len(rows) == 1, f"agent {agent_id} not in the store")
    return int(rows[0][0])


def agent_info(c, agent_id):
    r = c.request("GET", f"/api/v1/agents/{agent_id}")
    check(r.status == 200, f"agent {agent_id}: {r}")
    return r.json


def server_sweeps(srv, aseq):
    """{upload seq: hits} of the agent's stored sweeps; fails on a seq
    stored twice."""
    rows = store_sql(srv, "SELECT upload_seq, hits FROM sweeps WHERE "
                     f"agent_seq = {aseq} ORDER BY upload_seq")
    seqs = [int(s) for s, _ in rows]
    check(len(seqs) == len(set(seqs)), f"a sweep stored twice: {seqs}")
    return {int(s): int(h) for s, h in rows}


def audit_seqs(c, action):
    out = []
    for e in all_pages(c, "/api/v1/audit"):
        if e["action"] == action:
            out.append(json.loads(e["detail"])["seq"])
    return out


def part_kill(srv, c, tmp, state, root, agent_id):
    """Queue while the server is down; kill -9 while sending; all once."""
    sweep, bundle = make_bundle(tmp)
    aseq = agent_seq(srv, agent_id)
    before_sweeps = server_sweeps(srv, aseq)
    srv.stop()
    for i in range(3):
        plant(sweep, i)
        r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
                 "--sweep-root", sweep)
        check(r.returncode == 3, f"down, run {i}: exit {r.returncode}:\n"
              f"{r.stderr}")
    q = queued(state)
    kinds = [k for _, k in q]
    check(kinds == ["sweep", "sweep", "inventory-full", "sweep"],
          f"queued while down (the last full inventory supersedes the "
          f"others): {q}")
    sweeps = [s for s, k in q if k == "sweep"]
    backup = os.path.join(tmp, "backup")
    shutil.copytree(os.path.join(state, "queue"), backup)

    srv.start(port=srv.port)  # the session of c is still valid
    d = Daemon(["--state", state, "--hostname", "ws-acct-01",
                "--inventory-root", root])
    # the server logs a request once it has answered it: when it has
    # answered the first queued upload, the agent is killed, wherever it
    # is then (removing that item, or sending the next)
    srv._wait_for(re.compile(r'route="POST /api/v1/agent/sweeps" '
                             r'status=200'))
    d.p.send_signal(signal.SIGKILL)
    rc = d.finish()
    check(rc == -signal.SIGKILL, f"kill -9: the agent ended with {rc}")
    # the first one is the server's; killed before its unlink, the
    # agent sends it again and the server says it has it
    again = q[0][0] in [s for s, _ in queued(state)]
    r = once(state, "--inventory-root", root)
    check(r.returncode == 0, f"after the kill: exit {r.returncode}:\n"
          f"{r.stderr}")
    check(again == (f'seq={q[0][0]} kind=sweep status=200 duplicate=true'
                    in r.stderr),
          f"the upload the server had answered before the kill (still "
          f"queued: {again}):\n{r.stderr}")
    check(queued(state) == [], f"left queued: {queued(state)}")

    got = server_sweeps(srv, aseq)
    new = {s: h for s, h in got.items() if s not in before_sweeps}
    check(new == {sweeps[0]: 1, sweeps[1]: 2, sweeps[2]: 3},
          f"stored sweeps (upload seq: hits): {new}, queued {sweeps}")
    dets = all_pages(c, f"/api/v1/detections?host={agent_id}")
    keys = [(x["sweep"], x["path"]) for x in dets]
    check(len(keys) == len(set(keys)) and len(dets) == 6 and
          all(x["path"].startswith(sweep + "/planted-") for x in dets),
          f"detections: {dets}")
    a_sweeps = audit_seqs(c, "agent.sweep")
    check(sorted(s for s in a_sweeps if s in sweeps) == sweeps,
          f"audit entries of the sweeps: {a_sweeps}")
    # every run queued a full inventory that superseded the one before:
    # the last one is the server's, and no inventory was applied twice
    inv = json.load(open(os.path.join(state, "inventory.json")))["seq"]
    a_inv = audit_seqs(c, "agent.inventory")
    check(len(a_inv) == len(set(a_inv)) and a_inv[-1] == inv,
          f"audit entries of inventories: {a_inv} (last queued: {inv})")
    a = agent_info(c, agent_id)
    pkgs = open(os.path.join(root, "var/lib/dpkg/status")).read().count(
        "Package: ")
    check(a["inventory"] == inv and a["software"] == pkgs and
          a["last_upload"] == max(inv, sweeps[-1]),
          f"the server's view of the agent: {a} (last inventory queued "
          f"{inv}, {pkgs} packages in the root, sweeps {sweeps})")

    # the queue as before sending, as a kill after the server's answer
    # but before the unlink leaves it: duplicates, removed, stored once
    high = agent_info(c, agent_id)["last_upload"]
    for f in os.listdir(backup):
        if re.fullmatch(r"\d{16}", f):
            shutil.copy(os.path.join(backup, f),
                        os.path.join(state, "queue", f))
    r = once(state, "--inventory-root", root)
    check(r.returncode == 0, f"replay: exit {r.returncode}:\n{r.stderr}")
    dup = re.findall(r'msg="upload accepted" seq=(\d+) kind=sweep '
                     r'status=200 duplicate=true', r.stderr)
    check(sorted(int(x) for x in dup) == sweeps,
          f"the replayed sweeps were not duplicates:\n{r.stderr}")
    check(queued(state) == [], f"left queued: {queued(state)}")
    check(server_sweeps(srv, aseq) == got, "a replay changed the sweeps")
    check(audit_seqs(c, "agent.sweep") == a_sweeps,
          "a replay added audit entries")
    a = agent_info(c, agent_id)
    check(a["last_upload"] > high and a["inventory"] == a["last_upload"],
          f"the new inventory was not taken after the duplicates: {a}")


def main():
    check(AGENT, "RAMPART_AGENT must name rampart-agent")
    check(TEST_DATA, "RAMPART_TEST_DATA must name tests/data")
    srv = Server()
    tmp = tempfile.mkdtemp(prefix="rampart-agent-run-")
    try:
        srv.start()
        url = f"https://127.0.0.1:{srv.port}"
        c = srv.client()
        b = srv.bootstrap
        r = c.login(b["user"], b["password"], b["totp_secret"])
        check(r.status == 200, f"admin login: {r}")
        r = c.request("POST", "/api/v1/tenants",
                      body={"slug": "acme", "name": "Acme Dental"})
        check(r.status == 201, f"create tenant: {r}")
        r = c.request("POST", "/api/v1/tenants/acme/enroll-tokens",
                      body={"name": "it"})
        check(r.status == 201, f"token: {r}")
        state = os.path.join(tmp, "state")
        e = subprocess.run([AGENT, "enroll", url, r.json["secret"],
                            "--state", state, "--hostname", "ws-acct-01"],
                           capture_output=True, text=True, timeout=WAIT)
        check(e.returncode == 0, f"enroll: {e.stdout}{e.stderr}")
        agent_id = json.load(open(os.path.join(state, "agent.json")))[
            "agent_id"]
        root = make_root(tmp)
        part_findings(srv, c, state, root, agent_id)
        part_kill(srv, c, tmp, state, root, agent_id)
    finally:
        kill_started()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except (KeyError, ValueError, TypeError, IndexError) as e:
        fail(f"unexpected answer: {e!r}")
