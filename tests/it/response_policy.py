#!/usr/bin/env python3
"""The automatic response policy on a real rampartd (docs/jobs.md): an
msp-admin sets acme's policy to "quarantine" (a technician may not);
importing an advisory with indicators makes rampartd itself create a
sweep job on every acme host with acme's new bundle, signed at once
(one host, under the approval threshold), and a real rampart-agent
running it fetches the bundle and quarantines the planted file, and a
restore job puts it back byte-identical; globex, whose policy is "off",
gets no job; an advisory without indicators creates none; a job's target
"every host an advisory affects" resolves to those hosts, per tenant.  Run on SQLite, and on PostgreSQL when RAMPART_TEST_DB is
set."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import AgentKey, full_inventory, software  # noqa: E402
from bundle_server import acme_advisory, setup  # noqa: E402
from jobs_flow import Agent  # noqa: E402
from server_lib import Server, check  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
DATA = os.environ["RAMPART_TEST_DATA"]


def jobs_of(user, tenant):
    r = user.request("GET", f"/api/v1/jobs?tenant={tenant}")
    check(r.status == 200, f"jobs of {tenant}: {r}")
    return r.json["items"]


def set_policy(u):
    r = u["tech"].request("PATCH", "/api/v1/tenants/acme",
                          body={"response": "quarantine"})
    check(r.status == 403, f"a technician set the policy: {r}")
    r = u["admin"].request("PATCH", "/api/v1/tenants/acme",
                           body={"response": "delete-everything"})
    check(r.status == 400 and r.json["error"]["field"] == "/response",
          f"an unknown policy: {r}")
    r = u["admin"].request("PATCH", "/api/v1/tenants/acme",
                           body={"response": "quarantine"})
    check(r.status == 200 and r.json["response"] == "quarantine",
          f"policy set: {r}")
    r = u["tech"].request("GET", "/api/v1/tenants/globex")
    check(r.status == 404, f"acme's technician sees globex: {r}")
    r = u["globex"].request("GET", "/api/v1/tenants/globex")
    check(r.status == 200 and r.json["response"] == "off",
          f"globex's policy: {r}")


def enrol_real(srv, u, work, data):
    r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                          body={})
    check(r.status == 201, f"token: {r}")
    state = os.path.join(work, "state")
    root = os.path.join(work, "root")
    os.makedirs(os.path.join(root, "opt", "app"))
    target = os.path.join(root, "opt", "app", "ffmpeg.dll")
    with open(target, "wb") as f:
        f.write(data)
    p = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                        r.json["secret"], "--state", state, "--hostname",
                        "ws-acme-real"], capture_output=True, text=True)
    check(p.returncode == 0, f"enroll: {p.stderr}")
    return Agent(srv, None, None, None, key=AgentKey.from_state(state)), \
        state, root, target


def advisory_target(u, adv):
    """A job on the hosts an advisory affects: only globex's host has
    the affected 3CX version; a technician sees only their own."""
    body = {"type": "inventory", "target": {"advisory": adv},
            "dry_run": True}
    r = u["admin"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 200 and r.json["targets"] == 1,
          f"advisory target, every tenant: {r}")
    r = u["tech"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 200 and r.json["targets"] == 0,
          f"advisory target, acme: {r}")
    body["target"]["tenant"] = "globex"
    r = u["globex"].request("POST", "/api/v1/jobs", body=body)
    check(r.status == 200 and r.json["targets"] == 1 and
          r.json["needs_approval"] is False, f"advisory target, globex: {r}")


def restore(u, ag, work, state, out, target, data):
    """A restore job of the policy's quarantine entry puts the file back
    byte-identical."""
    entries = [q["entry"] for q in out["results"][0]["quarantine"]
               if q["path"] == target]
    check(len(entries) == 1, f"quarantine entries: {out['results']}")
    r = u["tech"].request("POST", "/api/v1/jobs", body={
        "type": "restore", "args": {"entry": entries[0]},
        "target": {"host": ag.id}})
    check(r.status == 201, f"restore job: {r}")
    envs = ag.jobs()
    env = os.path.join(work, "restore.json")
    with open(env, "w") as f:
        f.write(envs[0])
    p = subprocess.run([AGENT, "job", "run", "--state", state, "--store",
                        os.path.join(work, "qstore"), env],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"restore: {p.stdout} {p.stderr}")
    with open(target, "rb") as f:
        check(f.read() == data, "restored bytes differ")


def main():
    srv = Server()
    work = tempfile.mkdtemp(prefix="response-policy-")
    data = os.urandom(8192) + b"policy implant"
    digest = hashlib.sha256(data).hexdigest()
    try:
        srv.start()
        u = setup(srv)
        set_policy(u)
        ag, state, root, target = enrol_real(srv, u, work, data)
        g1 = Agent(srv, u["globex"], "globex", "ws-globex-1")
        r = g1.key.request(srv.client(), "POST", "/api/v1/agent/inventory",
                           full_inventory(1, {"name": "ws-globex-1",
                                              "os": "Windows",
                                              "os_version": "11 23H2",
                                              "arch": "x86_64"},
                                          [software("3CX Desktop App",
                                                    "18.12.416", "3CX Ltd")]))
        check(r.status == 200, f"globex inventory: {r}")
        # An advisory without indicators changes no bundle's sweep.
        with open(os.path.join(DATA, "3cx", "3cx-csaf.json"), "rb") as f:
            r = u["admin"].request("POST", "/api/v1/advisories",
                                   raw=f.read(), ctype="application/json")
        check(r.status == 201, f"CSAF import: {r}")
        check(jobs_of(u["tech"], "acme") == [], "a job for a CSAF")
        advisory_target(u, r.json["id"])
        # acme's own advisory with the planted file's hash.
        r = u["tech"].request("POST", "/api/v1/advisories?tenants=acme",
                              body=acme_advisory(digest))
        check(r.status == 201, f"native import: {r}")
        bundle = u["tech"].request(
            "GET", "/api/v1/tenants/acme/bundle").json["sha256"]
        jobs = jobs_of(u["tech"], "acme")
        check(len(jobs) == 1 and jobs[0]["type"] == "sweep" and
              jobs[0]["created_by"] == "policy (import by tech-acme)" and
              jobs[0]["args"] == {"bundle": bundle, "quarantine": True,
                                  "terminate": False} and
              jobs[0]["state"] == "active" and
              jobs[0]["hosts"]["queued"] == 1, f"policy job: {jobs}")
        check(jobs_of(u["admin"], "globex") == [], "globex got a job")
        envs = ag.jobs()
        check(len(envs) == 1, f"envelopes: {envs}")
        env = os.path.join(work, "env.json")
        with open(env, "w") as f:
            f.write(envs[0])
        p = subprocess.run([AGENT, "job", "run", "--state", state,
                            "--store", os.path.join(work, "qstore"),
                            "--root", root, env], capture_output=True,
                           text=True, timeout=300)
        out = json.loads(p.stdout)
        check(p.returncode == 0 and out["state"] == "done",
              f"sweep: {p.returncode} {p.stdout} {p.stderr}")
        check(not os.path.exists(target), "the planted file is still there")
        ag.report(jobs[0]["id"], out["state"], out.get("reason", ""),
                  out.get("results"))
        r = u["tech"].request("GET", f"/api/v1/jobs/{jobs[0]['id']}")
        check(r.status == 200 and r.json["hosts"]["done"] == 1,
              f"job after the report: {r}")
        restore(u, ag, work, state, out, target, data)
        srv.drain()
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("response_policy: ok")


if __name__ == "__main__":
    main()
