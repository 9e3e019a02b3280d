#!/usr/bin/env python3
"""How fast a signed job reaches a fleet (bench/jobs.sh drives it).

Starts a real rampartd (SQLite, or the PostgreSQL of RAMPART_TEST_DB),
enrols AGENTS simulated agents (each its own Ed25519 key, as
bench/agents_sim.py), and has every one of them hold a long poll
(GET /api/v1/agent/jobs?wait=25 over a connection of its own, as
`rampart-agent run` does) until the server reports them all waiting
(/metrics rampart_agent_long_polls_waiting).  Then an msp-admin creates
one job on the whole tenant (type inventory; the approval threshold is
raised so that it is signed at once), and each agent, as soon as its
envelope arrives, checks its signature with the key pinned at enrolment,
reports `running`, then `done`.  Measured from just before the create
request:

- create: the POST /api/v1/jobs answer (every host's signature made by
  the signer role and queued: the signer's throughput is the hosts
  signed per second of it);
- started: each agent's `running` report acknowledged;
- done: each agent's `done` report acknowledged.

Prints p50 / p99 / max over the agents and one RESULT json line; exits 1
on any error or when an agent did not get its job.

  jobs_sim.py BUILD [--agents N] [--rounds N] [--json FILE]
"""
import argparse
import asyncio
import base64
import json
import os
import sys
import threading
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PublicKey)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "it"))
sys.path.insert(0, HERE)
from agents_sim import Http, enrol, pct  # noqa: E402
from server_bench import drain, metric  # noqa: E402
from server_lib import Server, check, fail  # noqa: E402

WAIT = 25


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def waiting(srv):
    """Long polls the server holds now (its /metrics)."""
    r = srv.client().request("GET", "/metrics")
    check(r.status == 200, f"/metrics: {r}")
    return metric(r.body.decode(), "rampart_agent_long_polls_waiting")


def setup(srv, agents):
    b = srv.bootstrap
    c = srv.client()
    check(c.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    r = c.request("POST", "/api/v1/tenants",
                  body={"slug": "fleet", "name": "Fleet"})
    check(r.status == 201, f"tenant: {r}")
    r = c.request("POST", "/api/v1/tenants/fleet/enroll-tokens",
                  body={"name": "bench", "uses": 0, "expires_hours": 24})
    check(r.status == 201, f"token: {r}")
    key = c.request("GET", "/api/v1/health").json["job_key"]
    return c, r.json["secret"], key


async def agent_loop(http, a, pk, key_id, t0box, res, stop):
    """Holds long polls; runs (reports) each job it gets."""
    path = f"/api/v1/agent/jobs?wait={WAIT}"
    while not stop.is_set():
        hdr = {"Authorization": a.key.authorization("GET", path)}
        status, data = await http.request(a, "GET", path, b"", hdr)
        if status != 200:
            res["errors"].append(f"poll {status} {data[:200]!r}")
            return
        for env_text in json.loads(data)["jobs"]:
            env = json.loads(env_text)
            if env["key"] != key_id:
                res["errors"].append("signed by another key")
                return
            pk.verify(b64d(env["sig"]), b"rampart-job-v1\n" +
                      env["payload"].encode())
            job = json.loads(env["payload"])["job"]
            for state, slot in (("running", "started"), ("done", "done")):
                body = json.dumps({"state": state}).encode()
                p = f"/api/v1/agent/jobs/{job}/state"
                h = {"Authorization": a.key.authorization("POST", p, body),
                     "Content-Type": "application/json"}
                st, d = await http.request(a, "POST", p, body, h)
                if st != 200:
                    res["errors"].append(f"{state}: {st} {d[:200]!r}")
                    return
                res[slot].append(time.perf_counter() - t0box[0])


async def rounds(srv, admin, http, agents, key, res, n):
    """n jobs one after the other, the agents polling throughout (their
    connections are never dropped: a poll the server holds for a gone
    connection would take that agent's next job)."""
    pk = Ed25519PublicKey.from_public_bytes(b64d(key["public_key"]))
    stop = asyncio.Event()
    t0box = [0.0]
    tasks = [asyncio.create_task(agent_loop(http, a, pk, key["id"], t0box,
                                            res, stop)) for a in agents]
    loop = asyncio.get_running_loop()
    for rnd in range(n):
        # Every agent held by the server before the job is made.
        while await loop.run_in_executor(None, waiting, srv) < len(agents):
            if any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.2)
        t0box[0] = time.perf_counter()
        r = await loop.run_in_executor(None, lambda: admin.request(
            "POST", "/api/v1/jobs", body={"type": "inventory",
                                          "target": {"tenant": "fleet"}}))
        res["create"].append(time.perf_counter() - t0box[0])
        # signed for every host (agents may already have taken theirs)
        check(r.status == 201 and r.json["targets"] == len(agents) and
              r.json["hosts"]["pending"] == 0, f"job: {r}")
        while len(res["done"]) < len(agents) * (rnd + 1) and \
                not res["errors"] and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        if res["errors"]:
            break
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    os.environ["RAMPARTD_BIN"] = os.path.join(args.build, "src", "server",
                                              "rampartd")
    os.environ["RAMPART_HTTP_PER_IP_CONNECTIONS"] = str(args.agents + 64)
    os.environ["RAMPART_HTTP_MAX_CONNECTIONS"] = str(args.agents + 64)
    os.environ["RAMPART_SIGNER_APPROVAL_HOSTS"] = str(args.agents + 1)
    store = "postgresql" if os.environ.get("RAMPART_TEST_DB") else "sqlite"
    srv = Server()
    res = {"store": store, "agents": args.agents, "create": [],
           "started": [], "done": [], "errors": []}
    try:
        srv.start()
        admin, secret, key = setup(srv, args.agents)
        t = threading.Thread(target=drain, args=(
            srv, os.path.join(srv.dir, "rampartd.log")), daemon=True)
        t.start()
        http = Http(srv.port, srv.fingerprint, True)
        agents, _ = asyncio.run(enrol(http, secret, args.agents, 1))
        asyncio.run(rounds(srv, admin, http, agents, key, res, args.rounds))
        srv.stop()
    finally:
        srv.cleanup()
    out = {"store": store, "agents": args.agents, "rounds": args.rounds,
           "errors": res["errors"][:5], "nerrors": len(res["errors"])}
    for k in ("create", "started", "done"):
        v = res[k]
        out[k] = {"n": len(v), "p50_ms": round(pct(v, 0.5) * 1e3, 1),
                  "p99_ms": round(pct(v, 0.99) * 1e3, 1),
                  "max_ms": round(max(v) * 1e3, 1)} if v else None
    if res["create"]:
        out["signed_per_s"] = round(args.agents / pct(res["create"], 0.5))
    print(json.dumps(out, indent=1))
    print("RESULT " + json.dumps(out))
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(out) + "\n")
    if res["errors"] or len(res["done"]) != args.agents * args.rounds:
        fail(f"{len(res['errors'])} errors; {len(res['done'])} of "
             f"{args.agents * args.rounds} jobs done")


if __name__ == "__main__":
    main()
