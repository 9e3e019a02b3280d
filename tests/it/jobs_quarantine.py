#!/usr/bin/env python3
"""What agents' job reports leave on a real rampartd (docs/jobs.md, "What
the reports record"), with a real rampart-agent run taking the jobs: a
quarantine job's entry is listed held by GET /api/v1/agents/{id}/quarantine
(its path, hash and job), and a restore job naming it moves it to
restored (with that job) and puts the file back; a sweep job with
quarantine, on a bundle built from an advisory with the planted file's
hash, gives a detection naming the job in GET /api/v1/detections and a
held entry, and the job.result audit entry counts both; a technician of
another tenant gets 404 for the agent's entries and an unknown ?state is
400.  Then, from an agent speaking the protocol in Python: a report whose result names a
malformed entry is refused (400, the pointer under /results) and stores
nothing -- the host stays delivered, no entry appears -- and the same
report well-formed is taken.  Every wait is on an event (a log line, the
server's answer), never a sleep.  Run on SQLite, and on PostgreSQL when
RAMPART_TEST_DB is set."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_daemon_jobs import STARTED, Daemon, sha  # noqa: E402
from agent_lib import make_root  # noqa: E402
from bundle_server import acme_advisory, setup  # noqa: E402
from jobs_flow import Agent  # noqa: E402
from server_lib import Server, check, fail  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
WAIT = 240
TRIES = WAIT * 10  # questions to the server, 0.1 s apart
FINAL = ("done", "failed", "rejected")


def job(u, agent, jtype, args):
    r = u.request("POST", "/api/v1/jobs", body={
        "type": jtype, "args": args, "target": {"host": agent}})
    check(r.status == 201 and r.json["targets"] == 1, f"{jtype} job: {r}")
    return r.json["id"]


def wait_final(u, jid, d):
    """Asks the server until the job is final on its host (an event;
    the short pause only spaces the questions)."""
    h = None
    for _ in range(TRIES):
        r = u.request("GET", f"/api/v1/jobs/{jid}/hosts")
        check(r.status == 200 and len(r.json["items"]) == 1,
              f"hosts of {jid}: {r}")
        h = r.json["items"][0]
        if h["state"] in FINAL:
            return h
        if d.p.poll() is not None:
            break
        time.sleep(0.1)
    fail(f"job {jid} stayed {h}:\n{d.text()}")


def entries(u, agent, state=None, expect=200):
    q = f"?state={state}" if state else ""
    r = u.request("GET", f"/api/v1/agents/{agent}/quarantine{q}")
    check(r.status == expect, f"quarantine of {agent}{q}: {r}")
    return r.json["items"] if expect == 200 else r


def quarantine_restore(u, d, agent, work):
    """A quarantine job's entry is held; a restore job of it restores."""
    target = os.path.join(work, "implant.dll")
    data = os.urandom(4096) + b"rampart quarantine entries implant"
    with open(target, "wb") as f:
        f.write(data)
    digest = sha(target)
    qj = job(u, agent, "quarantine", {"path": target, "sha256": digest})
    h = wait_final(u, qj, d)
    check(h["state"] == "done", f"quarantine: {h}")
    entry = h["results"][0]["entry"]
    held = entries(u, agent)
    check(len(held) == 1, f"held entries: {held}")
    e = held[0]
    check(e["entry"] == entry and e["path"] == target and
          e["sha256"] == digest and e["job"] == qj and
          e["state"] == "held" and e["state_job"] is None and
          e["state_at"] is None and e["created_at"], f"held: {e}")
    check(entries(u, agent, "held") == held, "?state=held is the default")
    check(entries(u, agent, "restored") == [], "restored before restore")
    rj = job(u, agent, "restore", {"entry": entry})
    h = wait_final(u, rj, d)
    check(h["state"] == "done", f"restore: {h}")
    with open(target, "rb") as f:
        check(f.read() == data, "restored bytes differ")
    check(entries(u, agent) == [], f"still held: {entries(u, agent)}")
    back = entries(u, agent, "restored")
    check(len(back) == 1 and back[0]["entry"] == entry and
          back[0]["job"] == qj and back[0]["state"] == "restored" and
          back[0]["state_job"] == rj and back[0]["state_at"],
          f"restored: {back}")
    check(entries(u, agent, "purged") == [], "purged")
    return entry


def sweep(u, d, agent, jobroot):
    """A sweep job with quarantine: a detection naming it, an entry."""
    target = os.path.join(jobroot, "opt", "app", "ffmpeg.dll")
    os.makedirs(os.path.dirname(target))
    data = os.urandom(8192) + b"rampart swept implant"
    with open(target, "wb") as f:
        f.write(data)
    digest = hashlib.sha256(data).hexdigest()
    r = u["tech"].request("POST", "/api/v1/advisories?tenants=acme",
                          body=acme_advisory(digest))
    check(r.status == 201, f"advisory import: {r}")
    r = u["tech"].request("GET", "/api/v1/tenants/acme/bundle")
    check(r.status == 200, f"bundle: {r}")
    sj = job(u["tech"], agent, "sweep", {"bundle": r.json["sha256"],
                                         "quarantine": True,
                                         "terminate": False})
    h = wait_final(u["tech"], sj, d)
    check(h["state"] == "done", f"sweep: {h}")
    check(not os.path.exists(target), "the swept file is still there")
    r = u["tech"].request("GET", f"/api/v1/detections?host={agent}")
    check(r.status == 200, f"detections: {r}")
    dets = [x for x in r.json["items"] if x["job"] == sj]
    check(len(dets) == 1 and dets[0]["path"] == target and
          dets[0]["sha256"] == digest and dets[0]["kind"] == "file" and
          dets[0]["host"] == agent and dets[0]["tenant"] == "acme" and
          dets[0]["what"] == f"sha256:{digest}", f"detections: {r.json}")
    held = entries(u["tech"], agent)
    check(len(held) == 1 and held[0]["path"] == target and
          held[0]["sha256"] == digest and held[0]["job"] == sj and
          held[0]["entry"] == h["results"][0]["quarantine"][0]["entry"],
          f"held after the sweep: {held}")
    # the report's audit entry counts what it recorded
    r = u["admin"].request("GET", "/api/v1/audit?limit=500")
    check(r.status == 200, f"audit: {r}")
    res = [json.loads(x["detail"]) for x in r.json["items"]
           if x["action"] == "job.result" and x["target"] == sj]
    check([x["state"] for x in res] == ["running", "done"] and
          "detections" not in res[0] and res[1]["detections"] == 1 and
          res[1]["entries_held"] == 1, f"job.result of the sweep: {res}")
    return sj


def other_tenant(u, agent):
    r = entries(u["globex"], agent, expect=404)
    check(r.code() == "not_found" and "implant" not in r.body.decode(),
          f"globex sees acme's entries: {r}")
    r = entries(u["globex"], agent, "all", expect=404)
    r = u["globex"].request("GET", f"/api/v1/detections?host={agent}")
    check(r.status == 404, f"globex sees acme's detections: {r}")
    r = entries(u["tech"], agent, "gone", expect=400)
    check(r.code() == "invalid_query" and
          r.json["error"]["field"] == "?state", f"?state=gone: {r}")
    r = entries(u["tech"], "a" * 26, expect=404)
    check(len(entries(u["admin"], agent, "all")) == 2,
          "an msp-admin sees every entry")


def refused_report(u, srv):
    """An agent speaking the protocol from Python: a malformed result
    refuses the report whole; the well-formed one is taken."""
    ag = Agent(srv, u["tech"], "acme", "ws-py")
    agent = ag.id
    before = entries(u["tech"], agent, "all")
    qj = job(u["tech"], agent, "quarantine", {"path": "/opt/never.dll"})
    envs = ag.jobs()
    check(len(envs) == 1, f"envelopes: {envs}")
    good = {"path": "/opt/never.dll", "sha256": "ab" * 32,
            "entry": "0123456789abcdef" * 2, "killed": [],
            "not_killed_hardlinked": []}
    for bad, field in ((dict(good, entry="../../etc/passwd"),
                        "/results/0/entry"),
                       (dict(good, sha256="AB" * 32), "/results/0/sha256")):
        r = ag.report(qj, "done", "", [bad], expect=400)
        check(r.code() == "invalid_field" and
              r.json["error"]["field"] == field, f"malformed: {r}")
    r = u["tech"].request("GET", f"/api/v1/jobs/{qj}/hosts")
    check(r.json["items"][0]["state"] == "delivered",
          f"a refused report moved the job: {r}")
    check(entries(u["tech"], agent, "all") == before,
          "a refused report recorded an entry")
    ag.report(qj, "done", "", [good])
    held = [e for e in entries(u["tech"], agent) if e["job"] == qj]
    check(len(held) == 1 and held[0]["path"] == "/opt/never.dll" and
          held[0]["entry"] == good["entry"], f"the good report: {held}")


def main():
    srv = Server()
    work = tempfile.mkdtemp(prefix="jobs-quarantine-")
    d = None
    try:
        srv.start()
        u = setup(srv)
        r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                              body={})
        check(r.status == 201, f"token: {r}")
        state = os.path.join(work, "state")
        p = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                            r.json["secret"], "--state", state,
                            "--hostname", "ws-quar"], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0, f"enroll: {p.stderr}")
        with open(os.path.join(state, "agent.json")) as f:
            agent = json.load(f)["agent_id"]
        jobroot = os.path.join(work, "jobroot")
        os.makedirs(jobroot)
        d = Daemon(["--state", state, "--hostname", "ws-quar",
                    "--store", os.path.join(work, "qstore"),
                    "--inventory-root", make_root(work),
                    "--job-root", jobroot])
        d.wait_log(r'msg="agent started"')
        quarantine_restore(u["tech"], d, agent, work)
        sweep(u, d, agent, jobroot)
        other_tenant(u, agent)
        d.p.send_signal(signal.SIGTERM)
        rc = d.p.wait(WAIT)
        check(rc == 0, f"SIGTERM: exit {rc}:\n{d.text()}")
        refused_report(u, srv)
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
                p.wait()
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("jobs_quarantine: ok")


if __name__ == "__main__":
    main()
