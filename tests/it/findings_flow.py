#!/usr/bin/env python3
"""Agents, inventories and findings end to end on a real rampartd
(docs/findings.md, docs/agent-protocol.md): agents of two tenants upload
their inventories, the project's 3CX CSAF advisory is imported once, and
every affected host of both tenants has its finding with the reason and
the remediation; an upgrade to 18.12.422 resolves it, with history.
Uploads are checked whole, counted once, and scoped to their agent; run
on SQLite, and on PostgreSQL when RAMPART_TEST_DB is set."""

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check  # noqa: E402
from server_authz import agent_auth, b64, keypair  # noqa: E402

DATA = os.environ.get("RAMPART_TEST_DATA", "tests/data")
CSAF = os.path.join(DATA, "3cx", "3cx-csaf.json")
INV = os.path.join(DATA, "3cx", "ws-acct-01.inventory.json")


class Agent:
    def __init__(self, srv, tech, tenant, hostname):
        self.srv = srv
        r = tech.request("POST", f"/api/v1/tenants/{tenant}/enroll-tokens",
                         body={})
        check(r.status == 201, f"enrolment token: {r}")
        pk, self.sk = keypair()
        r = srv.client().request("POST", "/api/v1/agents/enroll", body={
            "token": r.json["secret"].split(".")[2], "public_key": b64(pk),
            "hostname": hostname, "os": "windows"})
        check(r.status == 201, f"enrol {hostname}: {r}")
        self.id = r.json["agent_id"]
        self.seq = 0
        self.last_inv = 0

    def post(self, path, body, sk=None, agent_id=None):
        raw = json.dumps(body).encode()
        hdr = {"Authorization": agent_auth(agent_id or self.id,
                                           sk or self.sk, "POST", path, raw)}
        return self.srv.client().request("POST", path, raw=raw,
                                         ctype="application/json",
                                         headers=hdr)

    def inventory(self, body, expect=200):
        self.seq += 1
        body = dict(body, seq=self.seq)
        r = self.post("/api/v1/agent/inventory", body)
        check(r.status == expect, f"inventory {self.seq}: {r}")
        if r.status == 200:
            self.last_inv = self.seq
        return r


def host_inventory(name, version):
    h = json.load(open(INV))["hosts"][0]
    sw = copy.deepcopy(h["software"])
    for s in sw:
        if s["name"] == "3CX Desktop App":
            s["version"] = version
    host = {k: h[k] for k in ("os", "os_version", "arch")}
    host["name"] = name
    return host, sw


def three_cx(sw):
    return [s for s in sw if s["name"] == "3CX Desktop App"][0]


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    techs = {}
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": slug, "name": slug.title()}).status
              == 201, f"tenant {slug}")
        r = a.request("POST", "/api/v1/users", body={
            "name": "tech-" + slug, "role": "technician",
            "tenants": [slug], "totp": False})
        check(r.status == 201, f"user tech-{slug}: {r}")
        c = srv.client()
        check(c.login("tech-" + slug, r.json["password"]).status == 200,
              f"login tech-{slug}")
        techs[slug] = c
    return a, techs


def uploads(srv, techs):
    agents = {}
    for name, ten, ver in (("ws-acme-1", "acme", "18.12.416.0"),
                           ("ws-acme-2", "acme", "18.12.422.0"),
                           ("ws-globex-1", "globex", "18.12.407")):
        ag = Agent(srv, techs[ten], ten, name)
        host, sw = host_inventory(name, ver)
        r = ag.inventory({"kind": "full", "host": host, "software": sw})
        check(r.json["duplicate"] is False and r.json["inventory"] == 1,
              f"first inventory of {name}: {r}")
        ag.host, ag.sw = host, sw
        agents[name] = ag
    return agents


def refused_uploads(srv, agents, techs):
    ag = agents["ws-acme-1"]
    # The same seq again: acknowledged, stored once.
    r = ag.post("/api/v1/agent/inventory", {
        "seq": ag.seq, "kind": "full", "host": ag.host, "software": []})
    check(r.status == 200 and r.json["duplicate"] is True,
          f"a re-sent upload: {r}")
    r = techs["acme"].request("GET", f"/api/v1/agents/{ag.id}")
    check(r.status == 200, f"agent after duplicate: {r}")
    # A bad entry: refused whole, with its pointer; nothing stored.
    bad = copy.deepcopy(ag.sw)
    bad[2]["version"] = 17
    ag.seq += 1
    r = ag.post("/api/v1/agent/inventory", {
        "seq": ag.seq, "kind": "full", "host": ag.host, "software": bad})
    check(r.status == 400 and r.json["error"]["field"]
          .startswith("/software/2"), f"a bad entry: {r}")
    # Over the upload cap (16 MiB): refused before the body is sent.
    c = srv.client()._conn()
    c.putrequest("POST", "/api/v1/agent/inventory")
    c.putheader("Content-Type", "application/json")
    c.putheader("Content-Length", str(16 * 1024 * 1024 + 1))
    c.putheader("Authorization", agent_auth(
        ag.id, ag.sk, "POST", "/api/v1/agent/inventory", b""))
    c.endheaders()
    r = c.getresponse()
    check(r.status == 413 and b"payload_too_large" in r.read(),
          f"an upload over the cap: {r.status}")
    c.close()
    # A delta on another base: 409, the agent must send a full one.
    ag.seq += 1
    r = ag.post("/api/v1/agent/inventory", {
        "seq": ag.seq, "kind": "delta", "base": ag.last_inv + 7,
        "add": [], "remove": []})
    check(r.status == 409 and r.json["inventory"] == ag.last_inv,
          f"a delta on a stale base: {r}")
    # Removing what the host does not have: the same.
    ag.seq += 1
    r = ag.post("/api/v1/agent/inventory", {
        "seq": ag.seq, "kind": "delta", "base": ag.last_inv,
        "add": [], "remove": [{"name": "nope", "version": "1"}]})
    check(r.status == 409, f"a delta removing nothing there: {r}")
    # Another agent's key cannot speak for this agent.
    other = agents["ws-globex-1"]
    r = ag.post("/api/v1/agent/inventory", {
        "seq": 99, "kind": "full", "host": ag.host, "software": []},
        sk=other.sk)
    check(r.status == 401, f"an upload signed by another agent: {r}")
    # An agent's signature on a user route, a user on an agent route.
    raw = b""
    hdr = {"Authorization": agent_auth(ag.id, ag.sk, "GET",
                                       "/api/v1/findings", raw)}
    r = srv.client().request("GET", "/api/v1/findings", headers=hdr)
    check(r.status == 401, f"an agent reading findings: {r}")
    r = techs["acme"].request("POST", "/api/v1/agent/inventory",
                              body={"seq": 1000, "kind": "full"})
    check(r.status == 401, f"a user uploading an inventory: {r}")


def findings_of(c, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    r = c.request("GET", "/api/v1/findings" + ("?" + qs if qs else ""))
    check(r.status == 200, f"findings {qs}: {r}")
    return r.json


def check_findings(admin, techs, agents, adv):
    f = findings_of(admin, advisory=adv)
    hosts = sorted(i["host"]["hostname"] for i in f["items"])
    check(hosts == ["ws-acme-1", "ws-globex-1"],
          f"open findings across tenants: {hosts}")
    for i in f["items"]:
        check(i["verdict"] == "affected" and i["status"] == "open" and
              i["software"]["name"] == "3CX Desktop App" and
              "18.12" in i["reason"] and i["remediation"],
              f"finding with reason and remediation: {i}")
    check(f["counts"]["affected"] == 2 and f["counts"]["fixed"] == 1,
          f"counts per verdict: {f['counts']}")
    r = admin.request("GET", f"/api/v1/findings?advisory={adv}&counts=0")
    check(r.status == 200 and "counts" not in r.json and
          r.json["total"] == f["total"] and r.json["items"] == f["items"],
          f"?counts=0: {r}")
    r = admin.request("GET", f"/api/v1/findings?advisory={adv}&counts=2")
    check(r.status == 400 and r.json["error"]["field"] == "?counts",
          f"?counts=2: {r}")
    for ten, want in (("acme", ["ws-acme-1"]), ("globex", ["ws-globex-1"])):
        got = [i["host"]["hostname"]
               for i in findings_of(techs[ten], advisory=adv)["items"]]
        check(got == want, f"{ten}'s technician sees {got}")
        got = [i["host"]["hostname"] for i in
               findings_of(admin, advisory=adv, tenant=ten)["items"]]
        check(got == want, f"?tenant={ten} gives {got}")
    r = techs["acme"].request("GET", "/api/v1/findings?tenant=globex")
    check(r.status == 404, f"another tenant's findings: {r}")
    gid = [i for i in f["items"]
           if i["host"]["hostname"] == "ws-globex-1"][0]["id"]
    r = techs["acme"].request("GET", f"/api/v1/findings/{gid}")
    check(r.status == 404, f"another tenant's finding: {r}")
    r = admin.request("GET", f"/api/v1/findings/counts?advisory={adv}")
    check(r.status == 200 and r.json["hosts"]["affected"] == 2 and
          len(r.json["tenants"]) == 2, f"counts: {r}")


def upgrade(admin, agents, adv):
    ag = agents["ws-acme-1"]
    old = three_cx(ag.sw)
    new = dict(old, version="18.12.422.0")
    r = ag.inventory({"kind": "delta", "base": ag.last_inv,
                      "add": [new], "remove": [old]})
    check(r.json["findings"]["resolved"] == 1, f"upgrade resolves: {r}")
    f = findings_of(admin, advisory=adv)
    check([i["host"]["hostname"] for i in f["items"]] == ["ws-globex-1"],
          f"open after the upgrade: {f}")
    f = findings_of(admin, advisory=adv, status="resolved")
    check(len(f["items"]) == 1 and f["items"][0]["verdict"] == "fixed" and
          f["items"][0]["resolved_inventory"] == ag.last_inv,
          f"resolved finding: {f}")
    r = admin.request("GET", f"/api/v1/findings/{f['items'][0]['id']}")
    hist = r.json["history"]
    check(r.status == 200 and [h["verdict"] for h in hist] ==
          ["fixed", "affected"] and hist[0]["inventory"] == ag.last_inv and
          hist[1]["inventory"] is None, f"history: {hist}")
    # ?status=open counts the open findings only; without it the
    # resolved one counts too (as fixed), per tenant and in total
    every = admin.request("GET", f"/api/v1/findings/counts?advisory={adv}")
    opened = admin.request(
        "GET", f"/api/v1/findings/counts?advisory={adv}&status=open")
    check(every.json["hosts"]["fixed"] >= 1 and
          every.json["hosts"]["affected"] == 1, f"counts: {every}")
    check(opened.status == 200 and opened.json["hosts"]["fixed"] == 0 and
          opened.json["hosts"]["affected"] == 1 and
          opened.json["counts"]["affected"] == 1 and
          [t["tenant"] for t in opened.json["tenants"]] == ["globex"],
          f"open counts: {opened}")
    r = admin.request("GET", f"/api/v1/findings/counts?host={ag.id}"
                      "&status=open")
    check(r.status == 200 and sum(r.json["counts"].values()) == 0,
          f"open counts of the upgraded host: {r}")
    r = admin.request("GET", f"/api/v1/findings/counts?status=all")
    check(r.status == 400 and r.json["error"]["field"] == "?status",
          f"?status=all on counts: {r}")


def many_advisories(admin, techs):
    """More advisories than the engine evaluates in one matcher (512):
    one host's upload concerns all of them, in chunks, and gets a
    finding of each."""
    n = 530
    for k in range(n):
        doc = {"rampart_advisory": 1, "id": f"MSP-MANY-{k:04d}",
               "title": f"Widget flaw {k}", "publisher": "Example MSP",
               "published": "2026-12-01T00:00:00Z",
               "updated": "2026-12-01T00:00:00Z", "version": "1",
               "status": "final",
               "products": [{"id": "w", "vendor": "Acme Soft",
                             "product": "Widget Pro", "scheme": "generic",
                             "versions": ["2.0"], "fixed": "2.1"}]}
        r = admin.request("POST", "/api/v1/advisories", body=doc)
        check(r.status == 201, f"advisory {k}: {r}")
        admin.srv.drain()  # its log must not fill the pipe it writes to
    ag = Agent(admin.srv, techs["acme"], "acme", "ws-widgets")
    r = ag.inventory({"kind": "full", "host": {"name": "ws-widgets"},
                      "software": [{"name": "Widget Pro",
                                    "vendor": "Acme Soft",
                                    "version": "2.0"}]})
    check(r.json["findings"]["opened"] == n,
          f"one upload opening {n} findings: {r.json}")
    r = admin.request("GET", f"/api/v1/findings/counts?host={ag.id}")
    check(r.json["counts"]["affected"] == n, f"counts: {r.json}")


def main():
    srv = Server().start()
    try:
        admin, techs = setup(srv)
        agents = uploads(srv, techs)
        refused_uploads(srv, agents, techs)
        r = admin.request("POST", "/api/v1/advisories",
                          raw=open(CSAF, "rb").read(),
                          ctype="application/json")
        check(r.status == 201, f"import: {r}")
        adv = r.json["id"]
        check_findings(admin, techs, agents, adv)
        upgrade(admin, agents, adv)
        r = admin.request("GET", "/api/v1/audit?limit=500")
        acts = [e["action"] for e in r.json["items"]]
        check(acts.count("agent.inventory") == 4 and
              "advisory.import" in acts, f"audit: {acts}")
        tens = sorted(e["tenant"] for e in r.json["items"]
                      if e["action"] == "agent.inventory")
        check(tens == ["acme", "acme", "acme", "globex"],
              f"uploads audited under their agents' tenants: {tens}")
        admin.srv = srv
        many_advisories(admin, techs)
    except BaseException:
        print(srv.drain()[-3000:], file=sys.stderr)
        raise
    finally:
        srv.stop()
    print("findings flow: ok")


if __name__ == "__main__":
    main()
