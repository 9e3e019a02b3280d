#!/usr/bin/env python3
"""Each tenant's rules bundle built by rampartd (docs/bundle.md, "From
the server"): an MSP-wide advisory and one of acme's own are both in
acme's bundle, globex sees only the MSP-wide one; the bytes an agent
takes hash to the ETag, If-None-Match answers 304, re-importing the same
advisory keeps the hash; another tenant's agent and user get 404; a
real rampart-agent runs a sweep job naming the bundle's hash, fetches
the bundle itself, checks it and reports (and quarantines) the planted
file its hash indicator names.  Run on SQLite, and on PostgreSQL when
RAMPART_TEST_DB is set."""

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import AgentKey  # noqa: E402
from jobs_flow import Agent, login_user  # noqa: E402
from server_lib import Server, check  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
DATA = os.environ["RAMPART_TEST_DATA"]


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": slug, "name": slug.title()}).status == 201, slug)
    return {"admin": a,
            "tech": login_user(srv, a, "tech-acme", "technician", ["acme"]),
            "globex": login_user(srv, a, "tech-globex", "technician",
                                 ["globex"])}


def acme_advisory(digest):
    """A native advisory of acme's own whose hash indicator names the
    file the sweep will find."""
    with open(os.path.join(DATA, "advisories", "3cx-native.json")) as f:
        doc = json.load(f)
    doc = copy.deepcopy(doc)
    doc["id"] = "ACME-2026-0001"
    doc["title"] = "Planted test implant at acme"
    doc["indicators"] = [{"type": "sha256", "value": digest,
                          "comment": "planted implant"},
                         {"type": "domain", "value": "evil[.]example",
                          "comment": "defanged"}]
    return doc


def info(user, tenant, expect=200):
    r = user.request("GET", f"/api/v1/tenants/{tenant}/bundle")
    check(r.status == expect, f"{tenant} bundle info: {r}")
    return r.json


def fetch_current(srv, key, etag=None):
    path = "/api/v1/agent/bundle"
    h = {"Authorization": key.authorization("GET", path)}
    if etag is not None:
        h["If-None-Match"] = etag
    return srv.client().request("GET", path, cookie="", token="", headers=h)


def server_side(srv, u, digest):
    admin, tech = u["admin"], u["tech"]
    with open(os.path.join(DATA, "advisories", "3cx-native.json"), "rb") as f:
        msp_doc = f.read()
    r = admin.request("POST", "/api/v1/advisories", raw=msp_doc,
                      ctype="application/json")
    check(r.status == 201, f"MSP-wide import: {r}")
    doc = acme_advisory(digest)
    r = tech.request("POST", "/api/v1/advisories?tenants=acme", body=doc)
    check(r.status == 201, f"acme import: {r}")

    acme = info(tech, "acme")
    check(sorted(acme["advisories"]) == ["ACME-2026-0001", "MSP-2023-0001"],
          f"acme's bundle advisories: {acme}")
    check(acme["counts"]["sha256"] >= 2 and acme["counts"]["yara"] >= 1 and
          acme["counts"]["domain"] >= 1, f"acme counts: {acme}")
    glob = info(u["globex"], "globex")
    check(glob["advisories"] == ["MSP-2023-0001"], f"globex's: {glob}")
    check(glob["sha256"] != acme["sha256"], "one bundle for two tenants")
    # A user of globex cannot read acme's metadata, and the reverse.
    info(u["globex"], "acme", 404)
    info(tech, "globex", 404)

    a1 = Agent(srv, tech, "acme", "ws-acme-1")
    g1 = Agent(srv, u["globex"], "globex", "ws-globex-1")
    r = fetch_current(srv, a1.key)
    check(r.status == 200, f"agent bundle: {r}")
    etag = r.header("ETag")
    check(etag == f'"{acme["sha256"]}"', f"ETag {etag} vs {acme}")
    check(hashlib.sha256(r.body).hexdigest() == acme["sha256"],
          "the bytes do not hash to the ETag")
    check(len(r.body) == acme["size"], "size differs")
    b = json.loads(r.body)
    check(b["rampart_bundle"] == 1 and any(
        i["type"] == "sha256" and i["value"] == digest
        for i in b["indicators"]) and any(
        i["type"] == "domain" and i["value"] == "evil.example"
        for i in b["indicators"]), "the planted hash is not in the bundle")
    r = fetch_current(srv, a1.key, etag)
    check(r.status == 304 and not r.body, f"If-None-Match: {r}")
    r = fetch_current(srv, a1.key, '"' + "0" * 64 + '"')
    check(r.status == 200, f"another ETag: {r}")

    # The same advisory again: unchanged, and the hash stays.
    r = tech.request("POST", "/api/v1/advisories?tenants=acme", body=doc)
    check(r.status == 200 and r.json["unchanged"], f"re-import: {r}")
    r = admin.request("POST", "/api/v1/advisories", raw=msp_doc,
                      ctype="application/json")
    check(r.status == 200 and r.json["unchanged"], f"MSP re-import: {r}")
    check(info(tech, "acme")["sha256"] == acme["sha256"], "hash changed")

    # By hash: acme's agent gets it, globex's does not.
    path = f"/api/v1/agent/bundles/{acme['sha256']}"
    r = a1.key.request(srv.client(), "GET", path)
    check(r.status == 200 and
          hashlib.sha256(r.body).hexdigest() == acme["sha256"],
          f"by hash: {r}")
    r = g1.key.request(srv.client(), "GET", path)
    check(r.status == 404, f"globex's agent got acme's bundle: {r}")
    r = g1.key.request(srv.client(), "GET",
                       f"/api/v1/agent/bundles/{glob['sha256']}")
    check(r.status == 200, f"globex's own by hash: {r}")
    # Users' credentials are no agent's.
    r = tech.request("GET", path)
    check(r.status == 401, f"a user on an agent route: {r}")

    # A revision changes acme's bundle; the previous hash is still served.
    doc2 = copy.deepcopy(doc)
    doc2["version"] = "3"
    doc2["updated"] = "2026-05-01T00:00:00Z"
    doc2["indicators"].append({"type": "filename", "value": "implant.exe"})
    r = tech.request("POST", "/api/v1/advisories?tenants=acme", body=doc2)
    check(r.status == 200 and not r.json["unchanged"], f"revision: {r}")
    acme2 = info(tech, "acme")
    check(acme2["sha256"] != acme["sha256"] and
          acme2["counts"]["filename"] == acme["counts"]["filename"] + 1,
          f"revised bundle: {acme2}")
    check(info(u["globex"], "globex")["sha256"] == glob["sha256"],
          "globex's bundle changed with acme's advisory")
    r = a1.key.request(srv.client(), "GET", path)
    check(r.status == 200, f"the previous bundle by hash: {r}")
    return acme2["sha256"]


def real_agent(srv, u, work, digest, data, bundle):
    r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                          body={})
    state = os.path.join(work, "state")
    store = os.path.join(work, "qstore")
    root = os.path.join(work, "root")
    os.makedirs(os.path.join(root, "opt", "app"))
    target = os.path.join(root, "opt", "app", "ffmpeg.dll")
    with open(target, "wb") as f:
        f.write(data)
    with open(os.path.join(root, "opt", "app", "clean.txt"), "w") as f:
        f.write("clean\n")
    p = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                        r.json["secret"], "--state", state, "--hostname",
                        "ws-real"], capture_output=True, text=True)
    check(p.returncode == 0, f"enroll: {p.stderr}")
    ag = Agent(srv, None, None, None, key=AgentKey.from_state(state))
    check(not os.path.exists(os.path.join(state, "bundles", bundle +
                                          ".json")), "cached already")

    def run(args):
        r = u["tech"].request("POST", "/api/v1/jobs", body={
            "type": "sweep", "args": args, "target": {"host": ag.id}})
        check(r.status == 201, f"sweep job: {r}")
        envs = ag.jobs()
        check(len(envs) == 1, f"envelopes {envs}")
        env = os.path.join(work, "env.json")
        with open(env, "w") as f:
            f.write(envs[0])
        p = subprocess.run([AGENT, "job", "run", "--state", state,
                            "--store", store, "--root", root, env],
                           capture_output=True, text=True, timeout=300)
        out = json.loads(p.stdout)
        ag.report(r.json["id"], out["state"], out.get("reason", ""),
                  out.get("results"))
        return p, out

    # A hash the server never built: fetched, refused (404), no sweep.
    p, out = run({"bundle": "ab" * 32, "quarantine": True,
                  "terminate": False})
    check(p.returncode == 1 and out["state"] == "failed" and
          "not available" in out["reason"] and "404" in out["reason"],
          f"unknown bundle: {p.returncode} {p.stdout}")
    check(os.path.exists(target), "swept without a bundle")

    p, out = run({"bundle": bundle, "quarantine": True, "terminate": False})
    check(p.returncode == 0 and out["state"] == "done",
          f"sweep: {p.returncode} {p.stdout} {p.stderr}")
    cached = os.path.join(state, "bundles", bundle + ".json")
    with open(cached, "rb") as f:
        check(hashlib.sha256(f.read()).hexdigest() == bundle,
              "the cached bundle is not the one the job names")
    rep = out["results"][0]
    hits = [h for h in rep["hits"] if h.get("path") == target]
    check(rep["counters"]["hits"] >= 1 and len(hits) == 1,
          f"no detection: {rep.get('counters')} {rep.get('hits')}")
    check(digest in json.dumps(hits[0]), f"hit: {hits[0]}")
    check(not os.path.exists(target) and any(
        q["path"] == target and q["entry"] for q in rep["quarantine"]),
          f"not quarantined: {rep.get('quarantine')}")


def main():
    srv = Server()
    work = tempfile.mkdtemp(prefix="bundle-server-")
    data = os.urandom(8192) + b"bundle server implant"
    digest = hashlib.sha256(data).hexdigest()
    try:
        srv.start()
        u = setup(srv)
        bundle = server_side(srv, u, digest)
        srv.drain()
        real_agent(srv, u, work, digest, data, bundle)
        srv.drain()
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("bundle_server: ok")


if __name__ == "__main__":
    main()
