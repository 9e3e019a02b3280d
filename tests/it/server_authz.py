#!/usr/bin/env python3
"""Walks every route of the server's route table (printed by the
api_routes helper, so no route can be left out) with: no credentials,
an expired session, a revoked API token, a user of another tenant, and
a viewer trying to change something.  Expected: 401 / 401 / 401 / 404
(or 403 for msp-admin routes) / 403, as docs/api.md says, and no answer
to the other tenant's user carries anything of this tenant's."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check, expire_session  # noqa: E402

DATA = os.environ["RAMPART_TEST_DATA"]
SHARED = os.environ["RAMPART_SHARED_DATA"]
# Strings only tenant acme's objects contain.
ACME_NAME = "Acme Marker Dental 7781"
ACME_ADV = os.path.join(DATA, "3cx", "3cx-csaf.json")
GLOBEX_ADV = os.path.join(SHARED, "osv", "GHSA-9v2f-6vcg-3hgv.json")


def routes():
    out = subprocess.check_output([os.environ["RAMPART_API_ROUTES"]])
    rs = [json.loads(line) for line in out.decode().splitlines()]
    check(len(rs) >= 20, f"route table too short: {rs}")
    return rs


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug, name in (("acme", ACME_NAME), ("globex", "Globex Law")):
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": slug, "name": name}).status == 201,
              f"tenant {slug}")
    who = {}
    for name, role, ten in (("tech-acme", "technician", "acme"),
                            ("tech-globex", "technician", "globex"),
                            ("view-acme", "viewer", "acme")):
        r = a.request("POST", "/api/v1/users", body={
            "name": name, "role": role, "tenants": [ten], "totp": False})
        check(r.status == 201, f"user {name}: {r}")
        c = srv.client()
        c.password = r.json["password"]
        check(c.login(name, c.password).status == 200, f"login {name}")
        who[name] = c
    ids = {}
    for c, path, ten in ((who["tech-acme"], ACME_ADV, "acme"),
                         (who["tech-globex"], GLOBEX_ADV, "globex")):
        r = c.request("POST", f"/api/v1/advisories?tenants={ten}",
                      raw=open(path, "rb").read(), ctype="application/json")
        check(r.status == 201, f"import for {ten}: {r}")
        ids[ten] = r.json["id"]
        ids[ten + "-doc"] = r.json["doc_id"]
    for name in ("tech-acme", "tech-globex"):
        r = who[name].request("POST", "/api/v1/tokens", body={"name": "t"})
        check(r.status == 201, f"token {name}: {r}")
        ids[name + "-token"] = r.json["token"]["id"]
        ids[name + "-secret"] = r.json["secret"]
    return a, who, ids


def path_for(pattern, ids, owner="acme"):
    """The route's path with its {params} naming owner's objects."""
    tok = ids["tech-acme-token"] if owner == "acme" \
        else ids["tech-globex-token"]
    return (pattern.replace("{tenant}", owner)
            .replace("{user}", "tech-" + owner)
            .replace("{id}/revisions", f"{ids[owner]}/revisions")
            .replace("/tokens/{id}", f"/tokens/{tok}")
            .replace("/advisories/{id}", f"/advisories/{ids[owner]}"))


BODY = {"name": "x", "slug": "x-new", "role": "viewer", "user": "x",
        "password": "x" * 12}


def call(c, rt, path, **kw):
    body = BODY if rt["method"] in ("POST", "PATCH") else None
    return c.request(rt["method"], path, body=body, **kw)


def no_acme(r, what):
    text = r.body.decode(errors="replace")
    for marker in (ACME_NAME, '"acme"', "3CX"):
        check(marker not in text, f"{what}: answer has '{marker}': {text}")


def main():
    srv = Server().start()
    try:
        admin, who, ids = setup(srv)
        rs = routes()
        # A revoked token, and an expired session.
        r = who["tech-acme"].request(
            "DELETE", f"/api/v1/tokens/{ids['tech-acme-token']}")
        check(r.status == 204, f"revoke: {r}")
        stale = srv.client()
        check(stale.login("view-acme", who["view-acme"].password)
              .status == 200, "second viewer login")
        expiring = stale.cookie
        expire_session(srv, expiring)
        anon = srv.client()
        n = 0
        for rt in rs:
            if rt["auth"] == "public":
                continue
            p = path_for(rt["pattern"], ids)
            what = f'{rt["method"]} {rt["pattern"]}'
            r = call(anon, rt, p)
            check(r.status == 401 and r.code() == "unauthorized",
                  f"{what} without credentials: {r}")
            r = call(anon, rt, p, cookie=expiring)
            check(r.status == 401, f"{what} with an expired session: {r}")
            r = call(anon, rt, p, token=ids["tech-acme-secret"])
            check(r.status == 401, f"{what} with a revoked token: {r}")
            other = who["tech-globex"]
            if rt["pattern"] == "/api/v1/logout":
                other = srv.client()  # a session of its own to end
                check(other.login("tech-globex", who["tech-globex"].password)
                      .status == 200, "tech-globex login")
            r = call(other, rt, p)
            if rt["auth"] == "msp-admin":
                check(r.status == 403, f"{what} as technician: {r}")
            elif "{" in rt["pattern"]:
                check(r.status == 404, f"{what} as another tenant: {r}")
            no_acme(r, f"{what} as another tenant")
            if rt["method"] != "GET" and rt["auth"] in ("technician",
                                                        "msp-admin"):
                r = call(who["view-acme"], rt, p)
                check(r.status == 403 and r.code() == "forbidden",
                      f"{what} as viewer: {r}")
            n += 1
        print(f"server_authz: {n} routes walked, ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
