#!/usr/bin/env python3
"""Signed jobs end to end on a real rampartd (docs/jobs.md): a
technician's job is signed by the signer role for each host and taken
once by its agent, whose envelope verifies with the key pinned at
enrolment; a real rampart-agent runs a quarantine job and a restore job
from the server, and the file comes back byte-identical; states only
move forward; another tenant's technician sees nothing and can do
nothing; jobs above the approval threshold and MSP-wide ones wait for a
second user, never the one who asked; an agent's long poll is woken by
its job (counted in /metrics).  Run on SQLite, and on PostgreSQL when
RAMPART_TEST_DB is set."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PublicKey)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import AgentKey  # noqa: E402
from server_lib import Server, check  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def opened(env_text, job_key):
    """The payload of an envelope, after checking its signature with the
    key the agent pinned, as an agent does."""
    env = json.loads(env_text)
    check(env["key"] == job_key["id"], f"signed by key {env['key']}")
    pk = Ed25519PublicKey.from_public_bytes(b64d(job_key["public_key"]))
    pk.verify(b64d(env["sig"]), b"rampart-job-v1\n" + env["payload"]
              .encode())
    return json.loads(env["payload"])


class Agent:
    """An enrolled agent speaking the protocol (its key in Python)."""

    def __init__(self, srv, tech, tenant, name, key=None):
        self.srv = srv
        if key is None:
            r = tech.request("POST", f"/api/v1/tenants/{tenant}/"
                             "enroll-tokens", body={})
            check(r.status == 201, f"token: {r}")
            self.key = AgentKey()
            r = srv.client().request("POST", "/api/v1/agents/enroll",
                                     body=self.key.enroll_body(
                                         r.json["secret"], name))
            check(r.status == 201, f"enrol {name}: {r}")
            self.key.agent_id = r.json["agent_id"]
            self.job_key = r.json["job_key"]
        else:
            self.key = key
        self.id = self.key.agent_id

    def jobs(self, wait=None):
        path = "/api/v1/agent/jobs" + (f"?wait={wait}" if wait else "")
        r = self.key.request(self.srv.client(), "GET", path)
        check(r.status == 200, f"jobs of {self.id}: {r}")
        return r.json["jobs"]

    def report(self, job, state, reason="", results=None, expect=200):
        body = {"state": state, "reason": reason}
        if results is not None:
            body["results"] = results
        r = self.key.request(self.srv.client(), "POST",
                             f"/api/v1/agent/jobs/{job}/state", body)
        check(r.status == expect, f"report {state} on {job}: {r}")
        return r


def login_user(srv, admin, name, role, tenants):
    totp = role == "msp-admin"  # required of an msp-admin
    r = admin.request("POST", "/api/v1/users", body={
        "name": name, "role": role, "tenants": tenants, "totp": totp})
    check(r.status == 201, f"user {name}: {r}")
    c = srv.client()
    check(c.login(name, r.json["password"],
                  r.json.get("totp_secret") if totp else None).status == 200,
          f"login {name}: {r.json.keys()}")
    return c


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": slug, "name": slug.title()}).status == 201, slug)
    u = {"tech": login_user(srv, a, "tech-acme", "technician", ["acme"]),
         "tech2": login_user(srv, a, "tech2-acme", "technician", ["acme"]),
         "globex": login_user(srv, a, "tech-globex", "technician",
                              ["globex"]),
         "admin2": login_user(srv, a, "admin2", "msp-admin", []),
         "admin": a}
    return u


def metric(srv, name):
    r = srv.client().request("GET", "/metrics")
    check(r.status == 200, f"/metrics: {r}")
    for line in r.body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    check(False, f"no {name} in /metrics")


def one_host_job(srv, u, agents):
    a1, a2 = agents["a1"], agents["a2"]
    body = {"type": "quarantine", "args": {"path": "/opt/3cx/ffmpeg.dll"},
            "target": {"host": a1.id}}
    r = u["tech"].request("POST", "/api/v1/jobs",
                          body=dict(body, dry_run=True))
    check(r.status == 200 and r.json == {"targets": 1,
                                         "needs_approval": False},
          f"dry run: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 201 and r.json["state"] == "active" and
          r.json["hosts"]["queued"] == 1 and r.json["tenant"] == "acme",
          f"create: {r}")
    job = r.json["id"]
    check(a2.jobs() == [], "another agent got the job")
    envs = a1.jobs()
    check(len(envs) == 1, f"a1 jobs: {envs}")
    p = opened(envs[0], a1.job_key)
    check(p["agent"] == a1.id and p["job"] == job and
          p["type"] == "quarantine" and
          p["args"] == {"path": "/opt/3cx/ffmpeg.dll"}, f"payload: {p}")
    check(a1.jobs() == [], "an envelope was delivered twice")
    # Someone else's job: not found; states only forward.
    a2.report(job, "done", expect=404)
    a1.report(job, "running")
    a1.report(job, "done", results=[{"path": "/opt/3cx/ffmpeg.dll",
                                     "entry": "e" * 32}])
    a1.report(job, "running", expect=409)
    r = u["tech"].request("GET", f"/api/v1/jobs/{job}/hosts")
    check(r.status == 200 and len(r.json["items"]) == 1 and
          r.json["items"][0]["state"] == "done" and
          r.json["items"][0]["results"][0]["entry"] == "e" * 32,
          f"hosts: {r}")
    return job


def other_tenant(srv, u, agents, job):
    g = u["globex"]
    for method, path in (("GET", f"/api/v1/jobs/{job}"),
                         ("GET", f"/api/v1/jobs/{job}/hosts"),
                         ("POST", f"/api/v1/jobs/{job}/approve")):
        r = g.request(method, path, body={} if method == "POST" else None)
        check(r.status == 404, f"globex {method} {path}: {r}")
    r = g.request("GET", "/api/v1/jobs")
    check(r.status == 200 and r.json["items"] == [], f"globex list: {r}")
    # ?host=: the jobs on one host; another tenant's host is unknown
    r = u["tech"].request("GET", f"/api/v1/jobs?host={agents['a1'].id}")
    check(r.status == 200 and [j["id"] for j in r.json["items"]] == [job],
          f"jobs on a1: {r}")
    r = g.request("GET", f"/api/v1/jobs?host={agents['a1'].id}")
    check(r.status == 404, f"globex: jobs on acme's host: {r}")
    for target in ({"host": agents["a1"].id}, {"tenant": "acme"}):
        r = g.request("POST", "/api/v1/jobs", body={
            "type": "inventory", "target": target})
        check(r.status == 404, f"globex job on {target}: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "inventory", "target": {"all": True}})
    check(r.status == 403, f"a technician's MSP-wide job: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "shell", "args": {"cmd": "id"}, "target": {"tenant": "acme"}})
    check(r.status == 400, f"a job type that does not exist: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "quarantine", "args": {"path": "etc/x"},
        "target": {"tenant": "acme"}})
    check(r.status == 400 and "path" in r.json["error"]["message"],
          f"a relative path: {r}")


def approvals(srv, u, agents):
    # Two acme hosts, over the threshold of 1: a second user approves.
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "inventory", "target": {"tenant": "acme"}})
    check(r.status == 201 and r.json["state"] == "awaiting_approval" and
          r.json["hosts"]["pending"] == 2, f"a large job: {r}")
    job = r.json["id"]
    check(agents["a1"].jobs() == [], "signed before approval")
    r = u["tech"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 403, f"approved by the one who asked: {r}")
    r = u["tech2"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 200 and r.json["state"] == "active" and
          r.json["approved_by"] == "tech2-acme" and
          r.json["hosts"]["queued"] == 2, f"approved: {r}")
    r = u["tech2"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 409, f"approved twice: {r}")
    check(len(agents["a2"].jobs()) == 1, "a2 has no approved job")
    # MSP-wide: waits even on few hosts; an msp-admin approves.
    r = u["admin"].request("POST", "/api/v1/jobs", body={
        "type": "inventory", "target": {"all": True}})
    check(r.status == 201 and r.json["tenant"] is None and
          r.json["state"] == "awaiting_approval", f"MSP-wide: {r}")
    job = r.json["id"]
    r = u["admin"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 403, f"MSP-wide approved by its author: {r}")
    r = u["tech2"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 404, f"MSP-wide seen by a technician: {r}")
    r = u["admin2"].request("POST", f"/api/v1/jobs/{job}/approve", body={})
    check(r.status == 200 and r.json["hosts"]["queued"] >= 3,
          f"MSP-wide approved: {r}")
    check(len(agents["g1"].jobs()) == 1, "globex host without its job")
    tenant_thresholds(u, agents)


def tenant_thresholds(u, agents):
    """A tenant's own threshold is stricter than the server's (1 here)
    but never looser."""
    r = u["globex"].request("PATCH", "/api/v1/tenants/globex",
                            body={"approval_hosts": 0})
    check(r.status == 403, f"a technician set a threshold: {r}")
    r = u["admin"].request("PATCH", "/api/v1/tenants/globex",
                           body={"approval_hosts": 0})
    check(r.status == 200 and r.json["approval_hosts"] == 0, f"0: {r}")
    body = {"type": "inventory", "target": {"host": agents["g1"].id},
            "dry_run": True}
    r = u["globex"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 200 and r.json["needs_approval"] is True,
          f"one host under a threshold of 0: {r}")
    r = u["admin"].request("PATCH", "/api/v1/tenants/globex",
                           body={"approval_hosts": None})
    check(r.status == 200 and r.json["approval_hosts"] is None,
          f"back to the server's: {r}")
    r = u["globex"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 200 and r.json["needs_approval"] is False,
          f"one host under the server's threshold of 1: {r}")
    r = u["admin"].request("PATCH", "/api/v1/tenants/acme",
                           body={"approval_hosts": 100})
    check(r.status == 200, f"100: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "inventory", "target": {"tenant": "acme"}, "dry_run": True})
    check(r.status == 200 and r.json["needs_approval"] is True,
          f"a tenant threshold above the server's loosened it: {r}")


def long_poll(srv, u, agents):
    g1 = agents["g1"]
    got, done = {}, threading.Event()
    woken0 = metric(srv, 'rampart_agent_long_polls_total{end="job"}')

    def poll():
        got["jobs"] = g1.jobs(wait=20)
        done.set()

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    # Wait until the server holds the request, then queue a job.
    while metric(srv, "rampart_agent_long_polls_waiting") < 1:
        check(t.is_alive(), "the long poll was answered at once")
        done.wait(0.05)
    r = u["globex"].request("POST", "/api/v1/jobs", body={
        "type": "inventory", "target": {"host": g1.id}})
    check(r.status == 201, f"job for the waiting agent: {r}")
    check(done.wait(60), "the long poll never ended")
    check(len(got["jobs"]) == 1, f"long poll answer: {got}")
    check(metric(srv, 'rampart_agent_long_polls_total{end="job"}') ==
          woken0 + 1, "the long poll ended by its time, not by the job")


def real_agent(srv, u, work):
    """A real rampart-agent enrolled into acme runs a quarantine job from
    the server, then a restore job: the file comes back byte-identical."""
    r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                          body={})
    state = os.path.join(work, "state")
    store = os.path.join(work, "qstore")
    p = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                        r.json["secret"], "--state", state, "--hostname",
                        "ws-real"], capture_output=True, text=True)
    check(p.returncode == 0, f"enroll: {p.stderr}")
    ag = Agent(srv, None, None, None, key=AgentKey.from_state(state))
    target = os.path.join(work, "ffmpeg.dll")
    data = os.urandom(4096) + b"3CX implant test bytes"
    with open(target, "wb") as f:
        f.write(data)
    digest = hashlib.sha256(data).hexdigest()

    def run(jtype, args):
        r = u["tech"].request("POST", "/api/v1/jobs", body={
            "type": jtype, "args": args, "target": {"host": ag.id}})
        check(r.status == 201, f"{jtype} job: {r}")
        envs = ag.jobs()
        check(len(envs) == 1, f"{jtype}: envelopes {envs}")
        env = os.path.join(work, "env.json")
        with open(env, "w") as f:
            f.write(envs[0])
        p = subprocess.run([AGENT, "job", "run", "--state", state,
                            "--store", store, env], capture_output=True,
                           text=True)
        out = json.loads(p.stdout)
        check(p.returncode == 0 and out["state"] == "done",
              f"{jtype} run: {p.returncode} {p.stdout} {p.stderr}")
        ag.report(r.json["id"], out["state"], out.get("reason", ""),
                  out.get("results"))
        # The same envelope again: the agent refuses a replay.
        p = subprocess.run([AGENT, "job", "run", "--state", state,
                            "--store", store, env], capture_output=True,
                           text=True)
        check(p.returncode == 3 and "replay" in p.stdout,
              f"{jtype} replayed: {p.returncode} {p.stdout}")
        return out

    out = run("quarantine", {"path": target, "sha256": digest})
    check(not os.path.exists(target), "still at its path")
    entry = out["results"][0]["entry"]
    run("restore", {"entry": entry})
    with open(target, "rb") as f:
        check(f.read() == data, "restored bytes differ")


def audit_has(u, actions):
    seen, after = set(), None
    while True:
        q = "/api/v1/audit?limit=500" + (f"&after={after}" if after else "")
        r = u["admin"].request("GET", q)
        check(r.status == 200, f"audit: {r}")
        seen |= {e["action"] for e in r.json["items"]}
        after = r.json["next"]
        if not after:
            break
    missing = set(actions) - seen
    check(not missing, f"audit entries missing: {missing}")


def main():
    os.environ["RAMPART_SIGNER_APPROVAL_HOSTS"] = "1"
    srv = Server()
    work = tempfile.mkdtemp(prefix="jobs-flow-")
    try:
        srv.start()
        u = setup(srv)
        agents = {"a1": Agent(srv, u["tech"], "acme", "ws-acme-1"),
                  "a2": Agent(srv, u["tech"], "acme", "ws-acme-2"),
                  "g1": Agent(srv, u["globex"], "globex", "ws-globex-1")}
        job = one_host_job(srv, u, agents)
        srv.drain()
        other_tenant(srv, u, agents, job)
        approvals(srv, u, agents)
        srv.drain()
        long_poll(srv, u, agents)
        real_agent(srv, u, work)
        audit_has(u, ["job.create", "job.sign", "job.deliver", "job.result",
                      "job.approve"])
        srv.drain()
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("jobs_flow: ok")


if __name__ == "__main__":
    main()
