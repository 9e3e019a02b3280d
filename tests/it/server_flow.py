#!/usr/bin/env python3
"""The server's main path, end to end on a real rampartd (SQLite, or
PostgreSQL when run under scripts/pg-test.sh): bootstrap admin -> two
tenants -> a technician for one of them with TOTP -> the 3CX CSAF
advisory imported -> listed and shown as that technician and as a
viewer -> the technician sets her language and time zone and enrols a
TOTP secret of her own -> an audit entry for each step, and the chain
verifies with `rampart audit verify`.  Then a second start keeps
everything and prints no credentials."""
import base64
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check, fail, totp, totp_next  # noqa: E402

CSAF = os.path.join(os.environ["RAMPART_TEST_DATA"], "3cx", "3cx-csaf.json")


def admin_setup(c, boot):
    r = c.login(boot["user"], boot["password"], boot["totp_secret"])
    check(r.status == 200, f"admin login: {r}")
    for slug, name in (("acme", "Acme Dental"), ("globex", "Globex Law")):
        r = c.request("POST", "/api/v1/tenants",
                      body={"slug": slug, "name": name})
        check(r.status == 201, f"create tenant {slug}: {r}")
    users = {}
    for name, role in (("tina", "technician"), ("vic", "viewer")):
        r = c.request("POST", "/api/v1/users", body={
            "name": name, "role": role, "tenants": ["acme"]})
        check(r.status == 201, f"create {name}: {r}")
        check("password" in r.json and "totp_secret" in r.json,
              f"{name}: one-time secrets expected: {r}")
        check(r.json["user"]["tenants"] == ["acme"], f"{name}: {r}")
        users[name] = r.json
    return users


def tech_import(srv, users):
    t = srv.client()
    u = users["tina"]
    r = t.login("tina", u["password"])
    check(r.status == 401 and r.code() == "login_failed",
          f"login without TOTP must fail: {r}")
    r = t.login("tina", u["password"], u["totp_secret"])
    check(r.status == 200, f"tina login: {r}")
    raw = open(CSAF, "rb").read()
    r = t.request("POST", "/api/v1/advisories?tenants=globex", raw=raw,
                  ctype="application/json")
    check(r.status == 404, f"import for a tenant not hers: {r}")
    r = t.request("POST", "/api/v1/advisories?tenants=acme", raw=raw,
                  ctype="application/json")
    check(r.status == 201, f"import: {r}")
    adv = r.json
    check(adv["revision"] == 1 and adv["tenants"] == ["acme"], f"{adv}")
    check("CVE-2023-29059" in adv["cves"], f"CVE missing: {adv}")
    return t, adv


def reads(c, adv, who):
    r = c.request("GET", "/api/v1/advisories?q=cve-2023-29059")
    check(r.status == 200 and [a["id"] for a in r.json["items"]]
          == [adv["id"]], f"{who} search: {r}")
    r = c.request("GET", f"/api/v1/advisories/{adv['id']}")
    check(r.status == 200, f"{who} show: {r}")
    want = json.load(open(CSAF))
    check(r.json["document"] == want, f"{who}: document differs")
    r = c.request("GET", "/api/v1/tenants")
    check([t["slug"] for t in r.json["items"]] == ["acme"],
          f"{who} sees other tenants: {r}")


def own_settings(srv, admin, t, users):
    """tina, logged in as t, sets her language and time zone, then
    replaces her TOTP secret with one made here, as the web UI makes
    one: her other session ends, t stays, and the old secret's codes
    no longer log her in.  users["tina"] gets the new secret, which
    logs her in after the restart (a code is good once, and the server
    takes one step either side: the enrolment and that login are the
    two codes of the new secret within a step)."""
    r = t.request("GET", "/api/v1/me")
    check(r.status == 200 and r.json["user"]["lang"] == "en"
          and r.json["user"]["tz"] == "UTC", f"defaults: {r}")
    r = t.request("PATCH", "/api/v1/me",
                  body={"lang": "de", "tz": "Europe/Berlin"})
    check(r.status == 200 and r.json["lang"] == "de"
          and r.json["tz"] == "Europe/Berlin", f"PATCH /me: {r}")
    r = t.request("PATCH", "/api/v1/me", body={"tz": "Mars/Olympus"})
    check(r.status == 400 and r.code() == "invalid_field"
          and r.json["error"]["field"] == "/tz"
          and "Mars/Olympus" in r.json["error"]["message"],
          f"unknown zone: {r}")
    u = users["tina"]
    other = srv.client()
    r = other.login("tina", u["password"], u["totp_secret"])
    check(r.status == 200, f"tina's second login: {r}")
    new = base64.b32encode(os.urandom(20)).decode()
    body = {"password": u["password"], "secret": new}
    r = t.request("POST", "/api/v1/me/totp",
                  body=dict(body, code=totp(new, step_offset=10)))
    check(r.status == 400 and r.json["error"]["field"] == "/code",
          f"enrol with a wrong code: {r}")
    r = t.request("POST", "/api/v1/me/totp",
                  body=dict(body, code=totp_next(new)))
    check(r.status == 200 and r.json["totp"] is True
          and r.json["name"] == "tina", f"enrol: {r}")
    check(t.request("GET", "/api/v1/me").status == 200, "t ended")
    check(other.request("GET", "/api/v1/me").status == 401,
          "tina's other session did not end")
    # The old secret's current code: checked against the new secret, it
    # is a wrong code (not a replay, as it would be against the old one).
    r = srv.client().login("tina", u["password"], u["totp_secret"],
                           t=time.time())
    check(r.status == 401, f"login with the old secret: {r}")
    r = admin.request("GET", "/api/v1/audit?limit=500")
    last = [e for e in r.json["items"] if e["action"] == "login"
            and e["target"] == "user:tina"][-1]
    check(last["outcome"] == "failed"
          and json.loads(last["detail"]) == {"reason": "totp"},
          f"the old secret's code: {last}")
    check(new not in srv.drain(), "the secret is in the server's output")
    u["totp_secret"] = new


def audit_check(c, srv):
    r = c.request("GET", "/api/v1/audit?limit=500")
    check(r.status == 200, f"audit: {r}")
    acts = [(e["action"], e["target"], e["outcome"]) for e in r.json["items"]]
    for want in (("bootstrap", "user:admin", "ok"),
                 ("login", "user:admin", "ok"),
                 ("tenant.create", "acme", "ok"),
                 ("tenant.create", "globex", "ok"),
                 ("user.create", "tina", "ok"),
                 ("user.create", "vic", "ok"),
                 ("login", "user:tina", "failed"),
                 ("login", "user:tina", "ok"),
                 ("login", "user:vic", "ok"),
                 ("user.prefs", "tina", "ok"),
                 ("user.totp", "user:tina", "ok")):
        check(want in acts, f"audit lacks {want}: {acts}")
    check(any(a[0] == "advisory.import" for a in acts), f"{acts}")
    seqs = [e["seq"] for e in r.json["items"]]
    check(seqs == list(range(1, len(seqs) + 1)), f"seqs {seqs}")


def main():
    srv = Server().start()
    try:
        boot = srv.bootstrap
        check(boot is not None, f"no bootstrap credentials:\n{srv.out}")
        admin = srv.client()
        users = admin_setup(admin, boot)
        tech, adv = tech_import(srv, users)
        reads(tech, adv, "technician")
        viewer = srv.client()
        r = viewer.login("vic", users["vic"]["password"],
                         users["vic"]["totp_secret"])
        check(r.status == 200, f"viewer login: {r}")
        reads(viewer, adv, "viewer")
        r = viewer.request("POST", "/api/v1/advisories?tenants=acme",
                           raw=open(CSAF, "rb").read(),
                           ctype="application/json")
        check(r.status == 403, f"viewer import: {r}")
        own_settings(srv, admin, tech, users)
        audit_check(admin, srv)
        rc = srv.stop()
        check(rc == 0, f"SIGTERM exit {rc}:\n{srv.out}")
        check(srv.out.count(boot["password"]) == 1,
              "the bootstrap password is printed more than once")
        srv.start()
        check(srv.bootstrap is None,
              f"second start printed credentials:\n{srv.out}")
        c2 = srv.client()
        r = c2.login("tina", users["tina"]["password"],
                     users["tina"]["totp_secret"])
        check(r.status == 200, f"data kept across restart: {r}")
        r = c2.request("GET", f"/api/v1/advisories/{adv['id']}")
        check(r.status == 200, f"advisory kept: {r}")
        r = c2.request("GET", "/api/v1/me")
        check(r.json["user"]["lang"] == "de"
              and r.json["user"]["tz"] == "Europe/Berlin",
              f"settings kept: {r}")
    finally:
        srv.cleanup()
    print("server_flow: ok")


if __name__ == "__main__":
    main()
