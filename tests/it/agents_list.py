#!/usr/bin/env python3
"""The host lists a web UI pages through, on a real rampartd (docs/api.md):
agents of three tenants enrolled through the API, with signed inventory
uploads and heartbeats, and the project's 3CX CSAF advisory imported.
GET /api/v1/agents with each filter (hostname, OS, software and version,
verdict, state, tenant) and their combinations, its "total" across pages
and each host's verdict and state; GET /api/v1/agents/counts per tenant;
a host's software, paged and searched; the findings of an advisory with
their total, and the open findings per advisory.  A technician sees
only their tenant's hosts: another tenant's agent is 404, and never
listed or counted.  SQLite, and PostgreSQL when RAMPART_TEST_DB is set."""

import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check, store_sql  # noqa: E402
from findings_flow import Agent, host_inventory  # noqa: E402

DATA = os.environ.get("RAMPART_TEST_DATA", "tests/data")
CSAF = os.path.join(DATA, "3cx", "3cx-csaf.json")

DEBIAN_SW = [
    {"name": "openssl", "version": "3.0.8-1", "source": "dpkg",
     "arch": "amd64"},
    {"name": "libssl3", "version": "3.0.8-1", "source": "dpkg",
     "arch": "amd64"},
    {"name": "postgresql-15", "version": "15.3-0+deb12u1",
     "source": "dpkg", "arch": "amd64"},
]


def get(c, path, status=200):
    r = c.request("GET", path)
    check(r.status == status, f"GET {path}: {r}")
    return r.json


def names(ans):
    return sorted(i["hostname"] for i in ans["items"])


def agents(c, **q):
    qs = "&".join(f"{k}={quote(str(v))}" for k, v in q.items())
    return get(c, "/api/v1/agents" + ("?" + qs if qs else ""))


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    techs = {}
    for slug in ("acme", "globex", "initech"):
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": slug, "name": slug.title()}).status
              == 201, f"tenant {slug}")
        if slug == "initech":
            continue
        r = a.request("POST", "/api/v1/users", body={
            "name": "tech-" + slug, "role": "technician",
            "tenants": [slug], "totp": False})
        check(r.status == 201, f"user tech-{slug}: {r}")
        c = srv.client()
        check(c.login("tech-" + slug, r.json["password"]).status == 200,
              f"login tech-{slug}")
        techs[slug] = c
    return a, techs


def enrol_all(srv, techs):
    """Five hosts: three of acme (two Windows PCs, one on the trojanised
    3CX build, and a Debian server), two of globex (one on a trojanised
    build, one revoked later).  initech has none."""
    hosts = {}
    for name, ten, ver in (("ws-acme-01", "acme", "18.12.416.0"),
                           ("ws-acme-02", "acme", "18.12.422.0"),
                           ("WS-Globex-01", "globex", "18.12.407"),
                           ("ws-globex-02", "globex", "18.12.422.0")):
        ag = Agent(srv, techs[ten], ten, name)
        host, sw = host_inventory(name, ver)
        r = ag.inventory({"kind": "full", "host": host, "software": sw})
        check(r.json["inventory"] == 1, f"inventory of {name}: {r}")
        ag.sw = sw
        hosts[name] = ag
    ag = Agent(srv, techs["acme"], "acme", "srv-acme-db")
    r = ag.inventory({"kind": "full", "host": {
        "name": "srv-acme-db", "os": "Debian GNU/Linux", "os_version": "12",
        "arch": "x86_64"}, "software": DEBIAN_SW})
    check(r.json["inventory"] == 1, f"inventory of srv-acme-db: {r}")
    ag.sw = DEBIAN_SW
    hosts["srv-acme-db"] = ag
    return hosts


def make_stale(srv, ag):
    """The host's last heartbeat an hour before the server's window, as
    if its time had passed (the server's clock is not the test's)."""
    store_sql(srv, "UPDATE agents SET last_seen = last_seen - 3600 "
                   f"WHERE id = '{ag.id}'")


def check_items(admin, hosts):
    ans = agents(admin)
    check(ans["total"] == 5 and ans["next"] is None and
          names(ans) == sorted(hosts), f"every host: {ans}")
    by = {i["hostname"]: i for i in ans["items"]}
    want = {"ws-acme-01": ("acme", "affected", "online"),
            "ws-acme-02": ("acme", None, "online"),
            "srv-acme-db": ("acme", None, "stale"),
            "WS-Globex-01": ("globex", "affected", "online"),
            "ws-globex-02": ("globex", None, "revoked")}
    for n, (ten, verdict, state) in want.items():
        i = by[n]
        check((i["tenant"], i["verdict"], i["state"]) ==
              (ten, verdict, state) and i["online"] == (state == "online"),
              f"{n}: {i}")
    check(by["srv-acme-db"]["os"] == "Debian GNU/Linux" and
          by["srv-acme-db"]["os_version"] == "12" and
          by["srv-acme-db"]["arch"] == "x86_64" and
          by["srv-acme-db"]["software"] == 3, f"host facts: {by}")
    one = get(admin, f"/api/v1/agents/{hosts['ws-acme-01'].id}")
    check(one == by["ws-acme-01"], f"one agent as listed: {one}")
    # Pages: the total of every page is the whole, the pages make it up.
    seen, after = [], None
    while True:
        p = agents(admin, limit=2, **({"after": after} if after else {}))
        check(p["total"] == 5 and len(p["items"]) <= 2, f"a page: {p}")
        seen += [i["id"] for i in p["items"]]
        after = p["next"]
        if after is None:
            break
    check(seen == [i["id"] for i in ans["items"]], f"pages: {seen}")


def check_filters(admin, hosts):
    cases = [
        ({"q": "globex"}, ["WS-Globex-01", "ws-globex-02"]),
        ({"q": "GLOBEX-01"}, ["WS-Globex-01"]),
        ({"q": "acme-0"}, ["ws-acme-01", "ws-acme-02"]),
        ({"q": "nowhere"}, []),
        ({"os": "debian"}, ["srv-acme-db"]),
        ({"os": "WINDOWS 11"}, ["WS-Globex-01", "ws-acme-01", "ws-acme-02",
                                "ws-globex-02"]),
        ({"os": "linux 12"}, ["srv-acme-db"]),
        ({"software": "3cx desktop app"},
         ["WS-Globex-01", "ws-acme-01", "ws-acme-02", "ws-globex-02"]),
        ({"software": "3CX Desktop App", "version": "18.12.416.0"},
         ["ws-acme-01"]),
        ({"software": "3CX Desktop App", "version": "18.12.416"}, []),
        ({"software": "3CX"}, []),
        ({"software": "openssl"}, ["srv-acme-db"]),
        ({"verdict": "affected"}, ["WS-Globex-01", "ws-acme-01"]),
        ({"verdict": "unknown,under_investigation"}, []),
        ({"verdict": "fixed"}, []),
        ({"state": "online"}, ["WS-Globex-01", "ws-acme-01", "ws-acme-02"]),
        ({"state": "stale"}, ["srv-acme-db"]),
        ({"state": "revoked"}, ["ws-globex-02"]),
        ({"tenant": "acme", "verdict": "affected"}, ["ws-acme-01"]),
        ({"tenant": "acme", "state": "online", "q": "ws"},
         ["ws-acme-01", "ws-acme-02"]),
        ({"software": "3CX Desktop App", "state": "online",
          "q": "globex"}, ["WS-Globex-01"]),
        ({"tenant": "initech"}, []),
    ]
    for q, want in cases:
        ans = agents(admin, **q)
        check(names(ans) == sorted(want) and ans["total"] == len(want),
              f"?{q}: {names(ans)} total {ans['total']}, want {want}")
        p = agents(admin, limit=1, **q)
        check(p["total"] == len(want) and len(p["items"]) == min(1, len(want))
              and (p["next"] is not None) == (len(want) > 1),
              f"?{q}&limit=1: {p}")
    for q, field in (({"verdict": "bad"}, "?verdict"),
                     ({"state": "asleep"}, "?state"),
                     ({"version": "1.0"}, "?version"),
                     ({"q": "x" * 256}, "?q"),
                     ({"tenant": "nosuch"}, "?tenant")):
        qs = "&".join(f"{k}={quote(v)}" for k, v in q.items())
        r = admin.request("GET", "/api/v1/agents?" + qs)
        want = 404 if "tenant" in q else 400
        check(r.status == want and r.json["error"]["field"] == field,
              f"?{qs}: {r}")


def check_counts(admin, techs):
    c = get(admin, "/api/v1/agents/counts")
    check(c["stale_after"] == 180 and
          (c["online"], c["stale"], c["revoked"], c["total"]) ==
          (3, 1, 1, 5), f"counts: {c}")
    got = {t["tenant"]: (t["online"], t["stale"], t["revoked"], t["total"])
           for t in c["tenants"]}
    check(got == {"acme": (2, 1, 0, 3), "globex": (1, 0, 1, 2),
                  "initech": (0, 0, 0, 0)}, f"counts per tenant: {got}")
    c = get(techs["acme"], "/api/v1/agents/counts")
    check([t["tenant"] for t in c["tenants"]] == ["acme"] and
          c["total"] == 3, f"a technician's counts: {c}")


def check_software(admin, techs, hosts):
    ag = hosts["ws-acme-01"]
    path = f"/api/v1/agents/{ag.id}/software"
    want = sorted((s["name"], s["version"]) for s in ag.sw)
    got, after = [], None
    while True:
        p = get(admin, path + "?limit=2" + (f"&after={after}" if after
                                             else ""))
        check(p["total"] == len(ag.sw), f"software page: {p}")
        got += p["items"]
        after = p["next"]
        if after is None:
            break
    check(sorted((i["name"], i["version"]) for i in got) == want,
          f"every entry once: {got}")
    check([i["id"] for i in got] == sorted(i["id"] for i in got),
          f"in id order: {got}")
    p = get(admin, path + "?q=" + quote("3cx DESKTOP"))
    check(p["total"] == 1 and len(p["items"]) == 1, f"?q: {p}")
    i = p["items"][0]
    check((i["name"], i["version"], i["vendor"], i["arch"], i["source"],
           i["purl"]) == ("3CX Desktop App", "18.12.416.0", "3CX Ltd",
                          "x86_64", "windows_registry", None),
          f"an entry: {i}")
    p = get(admin, path + "?q=nothing-like-it")
    check(p["total"] == 0 and p["items"] == [], f"?q matching none: {p}")
    p = get(techs["acme"], f"/api/v1/agents/{hosts['srv-acme-db'].id}"
            "/software")
    check(p["total"] == 3 and
          {i["name"] for i in p["items"]} == {s["name"] for s in DEBIAN_SW},
          f"the technician's host: {p}")
    # Another tenant's host, or none at all: 404, nothing said.
    for c, agent_id in ((techs["globex"], ag.id),
                        (admin, "a" * 26), (admin, "not-an-id")):
        r = c.request("GET", f"/api/v1/agents/{agent_id}/software")
        check(r.status == 404 and r.code() == "not_found",
              f"software of {agent_id}: {r}")


def check_tenants(techs, hosts):
    t = techs["acme"]
    ans = agents(t)
    check(names(ans) == ["srv-acme-db", "ws-acme-01", "ws-acme-02"] and
          ans["total"] == 3, f"acme's technician: {ans}")
    for q in ({"q": "globex"}, {"software": "3CX Desktop App",
                                "version": "18.12.407"},
              {"state": "revoked"}):
        ans = agents(t, **q)
        check(ans["items"] == [] and ans["total"] == 0,
              f"another tenant's hosts through ?{q}: {ans}")
    ans = agents(t, verdict="affected")
    check(names(ans) == ["ws-acme-01"], f"acme's affected: {ans}")
    r = t.request("GET", "/api/v1/agents?tenant=globex")
    check(r.status == 404, f"?tenant of another tenant: {r}")
    r = t.request("GET", f"/api/v1/agents/{hosts['WS-Globex-01'].id}")
    check(r.status == 404, f"another tenant's agent: {r}")


def check_findings(admin, techs, adv):
    f = get(admin, f"/api/v1/findings?advisory={adv}")
    check(f["total"] == 2 and len(f["items"]) == 2, f"affected hosts: {f}")
    for i in f["items"]:
        check(i["host"]["hostname"] in ("ws-acme-01", "WS-Globex-01") and
              i["tenant"] == ("acme" if "acme" in i["host"]["hostname"]
                              else "globex") and
              i["verdict"] == "affected" and i["reason"] and
              i["remediation"], f"an affected host's finding: {i}")
    p = get(admin, f"/api/v1/findings?advisory={adv}&limit=1")
    check(p["total"] == 2 and len(p["items"]) == 1 and p["next"],
          f"a page of them: {p}")
    p = get(admin, f"/api/v1/findings?advisory={adv}&status=all")
    check(p["total"] == 4, f"every finding of it: {p}")
    p = get(admin, f"/api/v1/findings?advisory={adv}&status=all"
            "&verdict=fixed")
    check(p["total"] == 2 and len(p["items"]) == 2 and
          all(i["verdict"] == "fixed" for i in p["items"]), f"fixed: {p}")
    p = get(techs["acme"], f"/api/v1/findings?advisory={adv}")
    check(p["total"] == 1 and p["items"][0]["tenant"] == "acme",
          f"acme's technician: {p}")
    # Open findings per advisory, with the advisory's title and severity.
    a = get(admin, f"/api/v1/advisories/{adv}")
    c = get(admin, "/api/v1/findings/counts?by=advisory")
    check(len(c["advisories"]) == 1, f"by advisory: {c}")
    e = c["advisories"][0]
    check((e["id"], e["doc_id"], e["title"], e["severity"]) ==
          (adv, a["doc_id"], a["title"], a["severity"]) and
          a["severity"] != "", f"the advisory: {e} / {a}")
    check(e["counts"]["affected"] == 2 and e["hosts"]["affected"] == 2 and
          e["counts"]["fixed"] == 0 and e["hosts"]["fixed"] == 0,
          f"open findings and hosts: {e}")
    c = get(techs["acme"], "/api/v1/findings/counts?by=advisory")
    check(c["advisories"][0]["hosts"]["affected"] == 1,
          f"acme's technician by advisory: {c}")
    c = get(techs["globex"], "/api/v1/findings/counts?by=advisory"
            "&tenant=globex")
    check(c["advisories"][0]["counts"]["affected"] == 1, f"globex's: {c}")
    c = get(admin, "/api/v1/findings/counts?by=tenant")
    check(len(c["tenants"]) == 2, f"by tenant, as without ?by: {c}")
    r = admin.request("GET", "/api/v1/findings/counts?by=host")
    check(r.status == 400 and r.json["error"]["field"] == "?by",
          f"?by=host: {r}")


def main():
    srv = Server().start()
    try:
        admin, techs = setup(srv)
        hosts = enrol_all(srv, techs)
        r = admin.request("POST", "/api/v1/advisories",
                          raw=open(CSAF, "rb").read(),
                          ctype="application/json")
        check(r.status == 201, f"import: {r}")
        adv = r.json["id"]
        # Seen now, by heartbeat; one seen an hour too long ago; one
        # revoked (its heartbeats are refused from then on).
        for ag in hosts.values():
            r = ag.post("/api/v1/agent/heartbeat", {})
            check(r.status == 200, f"heartbeat: {r}")
        make_stale(srv, hosts["srv-acme-db"])
        r = techs["globex"].request(
            "DELETE", f"/api/v1/agents/{hosts['ws-globex-02'].id}")
        check(r.status == 204, f"revoke: {r}")
        check_items(admin, hosts)
        check_filters(admin, hosts)
        check_counts(admin, techs)
        check_software(admin, techs, hosts)
        check_tenants(techs, hosts)
        check_findings(admin, techs, adv)
        # A heartbeat brings the stale host back online.
        r = hosts["srv-acme-db"].post("/api/v1/agent/heartbeat", {})
        check(r.status == 200, f"heartbeat: {r}")
        ans = agents(admin, state="stale")
        check(ans["total"] == 0, f"no stale host after it: {ans}")
        check(get(admin, "/api/v1/agents/counts")["online"] == 4,
              "four online")
    except BaseException:
        print(srv.drain()[-3000:], file=sys.stderr)
        raise
    finally:
        srv.stop()
    print("agents list: ok")


if __name__ == "__main__":
    main()
