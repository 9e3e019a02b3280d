#!/usr/bin/env python3
"""rampart-agent run takes its jobs from a real rampartd and reports them
(docs/agent-daemon.md "Jobs"): a technician's quarantine job moves a
planted file into the agent's quarantine store (the entry named in the
results exists there), a restore job brings it back byte-identical, a
type the machine's agent.conf denies shows `rejected` on the server with
the reason, an inventory job makes the daemon upload a new full
inventory.  rampartd stopped and started again: the daemon backs off and
goes on taking jobs.  And a report queued while the server is away
arrives once it is back: the agent reaches the server through a TCP relay
(a separate process, so the TLS pin still holds), and a terminate job
ends that relay -- so the job has acted and its report cannot be sent,
deterministically; the report waits in the queue (it is there, the
server still says `delivered`), and arrives once the relay is back.
Every wait is on an event (a log line, the server's answer) with a
generous limit, never a sleep.  Run on SQLite, and on PostgreSQL when
RAMPART_TEST_DB is set."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import make_root  # noqa: E402
from server_lib import Server, check, fail, free_port  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
TEST_DATA = os.environ["RAMPART_TEST_DATA"]
WAIT = 240
TRIES = WAIT * 10  # questions to the server, 0.1 s apart

# A TCP relay: listen on argv[1], forward every connection to argv[2].
RELAY = r"""
import socket, sys, threading
lp, tp = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", lp))
s.listen(64)
print("ready", flush=True)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for x in (a, b):
        try:
            x.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    try:
        u = socket.create_connection(("127.0.0.1", tp))
    except OSError:
        c.close()
        return
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    pipe(u, c)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

STARTED = []


class Relay:
    def __init__(self, port, target):
        self.p = subprocess.Popen([sys.executable, "-c", RELAY, str(port),
                                   str(target)], stdout=subprocess.PIPE,
                                  text=True)
        STARTED.append(self.p)
        check(self.p.stdout.readline().strip() == "ready",
              "the relay did not start")


class Daemon:
    """rampart-agent run in the background; its log lines as they come."""

    def __init__(self, args):
        self.p = subprocess.Popen([AGENT, "run"] + args,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        self.lines = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stderr:
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.lines.append(None)
            self.cv.notify_all()

    def count(self, rx):
        return sum(1 for x in self.lines if x and rx.search(x))

    def wait_log(self, pattern, count=1):
        rx = re.compile(pattern)
        with self.cv:
            self.cv.wait_for(lambda: self.count(rx) >= count or
                             None in self.lines, WAIT)
            if self.count(rx) < count:
                fail(f"the agent did not log {pattern} ({count}):\n"
                     f"{self.text()}")

    def text(self):
        with self.cv:
            return "".join(x for x in self.lines if x)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def login_tech(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    check(a.request("POST", "/api/v1/tenants", body={
        "slug": "acme", "name": "Acme"}).status == 201, "tenant")
    r = a.request("POST", "/api/v1/users", body={
        "name": "tech-acme", "role": "technician", "tenants": ["acme"],
        "totp": False})
    check(r.status == 201, f"user: {r}")
    t = srv.client()
    check(t.login("tech-acme", r.json["password"]).status == 200, "login")
    return t


class Tech:
    def __init__(self, srv):
        self.srv = srv
        self.c = login_tech(srv)

    def job(self, agent, jtype, args=None):
        body = {"type": jtype, "target": {"host": agent}}
        if args is not None:
            body["args"] = args
        r = self.c.request("POST", "/api/v1/jobs", body=body)
        check(r.status == 201 and r.json["targets"] == 1,
              f"{jtype} job: {r}")
        return r.json["id"]

    def host(self, job):
        r = self.c.request("GET", f"/api/v1/jobs/{job}/hosts")
        check(r.status == 200 and len(r.json["items"]) == 1,
              f"hosts of {job}: {r}")
        return r.json["items"][0]

    def wait_state(self, job, states, d):
        """Asks the server until the job is in one of states on the
        host (an event; the short pause only spaces the questions)."""
        for _ in range(TRIES):
            h = self.host(job)
            if h["state"] in states:
                return h
            if d.p.poll() is not None:
                break
            time.sleep(0.1)
        fail(f"job {job} stayed {h}:\n{d.text()}")

    def agent(self, agent_id):
        r = self.c.request("GET", f"/api/v1/agents/{agent_id}")
        check(r.status == 200, f"agent: {r}")
        return r.json

    def wait_inventory_above(self, agent_id, seq, d):
        for _ in range(TRIES):
            now = self.agent(agent_id)["inventory"]
            if now > seq:
                return now
            if d.p.poll() is not None:
                break
            time.sleep(0.1)
        fail(f"no new inventory above {seq}:\n{d.text()}")


def queued_kinds(state):
    q = os.path.join(state, "queue")
    out = []
    for f in sorted(os.listdir(q)):
        if re.fullmatch(r"\d{16}", f):
            with open(os.path.join(q, f), "rb") as fh:
                out.append(fh.readline().decode().split()[2])
    return out


def entries(store):
    r = subprocess.run([AGENT, "quarantine", "--store", store, "list",
                        "--json"], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, f"quarantine list: {r.stderr}")
    return json.loads(r.stdout)


def quarantine_restore(t, d, agent_id, work, store):
    target = os.path.join(work, "implant.dll")
    data = os.urandom(8192) + b"rampart daemon jobs implant"
    with open(target, "wb") as f:
        f.write(data)
    job = t.job(agent_id, "quarantine", {"path": target,
                                         "sha256": sha(target)})
    h = t.wait_state(job, ("done", "failed", "rejected"), d)
    check(h["state"] == "done", f"quarantine: {h}")
    check(not os.path.exists(target), "the file is still at its path")
    entry = h["results"][0]["entry"]
    listed = entries(store)
    items = listed if isinstance(listed, list) else listed.get("entries",
                                                                listed)
    check(any(entry in json.dumps(e) for e in items),
          f"entry {entry} not in the store: {listed}")
    d.wait_log(rf'msg="job done" job={job} type=quarantine')
    job = t.job(agent_id, "restore", {"entry": entry})
    h = t.wait_state(job, ("done", "failed", "rejected"), d)
    check(h["state"] == "done", f"restore: {h}")
    with open(target, "rb") as f:
        check(f.read() == data, "restored bytes differ")
    return target


def denied(t, d, agent_id):
    job = t.job(agent_id, "purge", {"entry": "0" * 32})
    h = t.wait_state(job, ("done", "failed", "rejected"), d)
    check(h["state"] == "rejected" and "agent.conf" in h["reason"] and
          "purge" in h["reason"], f"a denied type: {h}")
    d.wait_log(rf'msg="job rejected" job={job} type=purge')


def inventory(t, d, agent_id):
    before = t.wait_inventory_above(agent_id, 0, d)  # the one at start
    job = t.job(agent_id, "inventory")
    h = t.wait_state(job, ("done", "failed", "rejected"), d)
    check(h["state"] == "done" and
          h["results"] == [{"inventory": "requested"}], f"inventory: {h}")
    t.wait_inventory_above(agent_id, before, d)
    d.wait_log(r'msg="inventory queued" seq=\d+ kind=inventory-full', 2)


def server_restart(srv, t, d, agent_id, work, store):
    """rampartd away: the poll fails and backs off; back: jobs again."""
    polls_failed = re.compile(r'msg="job poll: server unreachable"|'
                              r'msg="job poll refused"')
    n = d.count(polls_failed)
    check(srv.stop() == 0, "rampartd did not stop cleanly")
    d.wait_log(polls_failed.pattern, n + 2)
    d.wait_log(r'msg="backing off"')
    srv.start()
    quarantine_restore(t, d, agent_id, work, store)


def report_while_away(srv, t, d, agent_id, state, relay_port):
    """The job ends the relay the agent reaches the server through: its
    report is queued, kept while the relay is gone, and sent after."""
    relay = STARTED_RELAY[0]
    exe = os.path.realpath(f"/proc/{relay.p.pid}/exe")
    job = t.job(agent_id, "terminate", {"pid": relay.p.pid,
                                        "exe_sha256": sha(exe)})
    check(relay.p.wait(WAIT) == -signal.SIGKILL,
          f"the relay was not killed: {relay.p.returncode}")
    d.wait_log(rf'msg="upload: server unreachable; kept" seq=\d+ '
               rf'kind=job-state job={job}')
    check("job-state" in queued_kinds(state),
          f"no report queued: {queued_kinds(state)}")
    check(t.host(job)["state"] == "delivered",
          f"the server has the report already: {t.host(job)}")
    STARTED_RELAY[0] = Relay(relay_port, srv.port)
    h = t.wait_state(job, ("done", "failed", "rejected"), d)
    check(h["state"] == "done" and
          h["results"][0]["outcome"] == "terminated", f"terminate: {h}")
    d.wait_log(rf'msg="upload accepted" seq=\d+ kind=job-state job={job}')
    check("job-state" not in queued_kinds(state),
          f"the report stayed queued: {queued_kinds(state)}")


STARTED_RELAY = [None]


def main():
    srv = Server()
    work = tempfile.mkdtemp(prefix="agent-daemon-jobs-")
    d = None
    try:
        srv.start()
        t = Tech(srv)
        relay_port = free_port()
        STARTED_RELAY[0] = Relay(relay_port, srv.port)
        r = t.c.request("POST", "/api/v1/tenants/acme/enroll-tokens",
                        body={})
        check(r.status == 201, f"token: {r}")
        state = os.path.join(work, "state")
        store = os.path.join(work, "qstore")
        p = subprocess.run([AGENT, "enroll",
                            f"https://127.0.0.1:{relay_port}",
                            r.json["secret"], "--state", state,
                            "--hostname", "ws-jobs"], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0, f"enroll: {p.stderr}")
        with open(os.path.join(state, "agent.json")) as f:
            agent_id = json.load(f)["agent_id"]
        conf = os.path.join(work, "agent.conf")
        with open(conf, "w") as f:
            f.write("[jobs]\ndeny = purge\n")
        root = make_root(work)
        d = Daemon(["--state", state, "--hostname", "ws-jobs",
                    "--config", conf, "--store", store,
                    "--inventory-root", root])
        d.wait_log(r'msg="agent started"')
        quarantine_restore(t, d, agent_id, work, store)
        denied(t, d, agent_id)
        inventory(t, d, agent_id)
        server_restart(srv, t, d, agent_id, work, store)
        report_while_away(srv, t, d, agent_id, state, relay_port)
        check("sig=" not in d.text() and "Rampart-Agent" not in d.text(),
              "a request signature in the log")
        d.p.send_signal(signal.SIGTERM)
        rc = d.p.wait(WAIT)
        check(rc == 0, f"SIGTERM: exit {rc}:\n{d.text()}")
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        for p in STARTED + [x.p for x in STARTED_RELAY if x]:
            if p.poll() is None:
                p.kill()
                p.wait()
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("agent_daemon_jobs: ok")


if __name__ == "__main__":
    main()
