#!/usr/bin/env python3
"""Walks every route of the server's route table (printed by the
api_routes helper, so no route can be left out) with: no credentials,
an expired session, a revoked API token, a user of another tenant, and
a viewer trying to change something.  Expected: 401 / 401 / 401 / 404
(or 403 for msp-admin routes) / 403, as docs/api.md says, and no answer
to the other tenant's user carries anything of this tenant's.  Agent
routes refuse every user credential (401), even an msp-admin's; an
agent's signed request (made here with libsodium through ctypes) is
accepted once, over the request target exactly as sent.  The routes
that change the caller's own credentials and settings take a login
session only: a valid API token of the same user gets 403 there, and
changes nothing."""
import base64
import ctypes
import ctypes.util
import hashlib
import json
import os
import subprocess
import sys
import time

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
    # acme's indicator, indicator source and allowlist entry
    ta = who["tech-acme"]
    r = ta.request("POST", "/api/v1/indicator-sources", body={
        "tenant": "acme", "name": "acme-feed", "kind": "manual"})
    check(r.status == 201, f"source for acme: {r}")
    ids["acme-source"] = r.json["id"]
    r = ta.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "domain", "value": "c2.acme-only.example",
        "source": "acme-feed", "comment": ACME_NAME})
    check(r.status == 201, f"indicator for acme: {r}")
    ids["acme-indicator"] = r.json["id"]
    r = ta.request("POST", "/api/v1/tenants/acme/allowlist", body={
        "kind": "domain", "value": "acme-dental.example"})
    check(r.status == 201, f"allowlist entry for acme: {r}")
    ids["acme-allow"] = r.json["id"]
    for name in ("tech-acme", "tech-globex"):
        r = who[name].request("POST", "/api/v1/tokens", body={"name": "t"})
        check(r.status == 201, f"token {name}: {r}")
        ids[name + "-token"] = r.json["token"]["id"]
        ids[name + "-secret"] = r.json["secret"]
    for ten in ("acme", "globex"):
        r = who["tech-" + ten].request(
            "POST", f"/api/v1/tenants/{ten}/enroll-tokens", body={})
        check(r.status == 201, f"enrolment token for {ten}: {r}")
        ids[ten + "-etok"] = r.json["token"]["id"]
        pk, sk = keypair()
        r = srv.client().request("POST", "/api/v1/agents/enroll", body={
            "token": r.json["secret"].split(".")[2], "public_key": b64(pk),
            "hostname": "ws-" + ten, "os": "debian 12"})
        check(r.status == 201, f"enrol an agent of {ten}: {r}")
        ids[ten + "-agent"] = r.json["agent_id"]
        ids[ten + "-agent-sk"] = sk
    return a, who, ids


SODIUM = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so")


def b64(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def keypair():
    pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(64)
    check(SODIUM.sodium_init() >= 0, "sodium_init")
    check(SODIUM.crypto_sign_keypair(pk, sk) == 0, "keypair")
    return pk.raw, sk.raw


def agent_auth(agent_id, sk, method, target, body):
    """The Authorization header of docs/agent-protocol.md."""
    ts = int(time.time())
    nonce = b64(os.urandom(16))
    msg = (f"rampart-agent-v1\n{method}\n{target}\n{ts}\n{nonce}\n"
           f"{hashlib.sha256(body).hexdigest()}").encode()
    sig = ctypes.create_string_buffer(64)
    check(SODIUM.crypto_sign_detached(sig, None, msg,
                                      ctypes.c_ulonglong(len(msg)),
                                      sk) == 0, "sign")
    return (f"Rampart-Agent id={agent_id},ts={ts},nonce={nonce},"
            f"sig={b64(sig.raw)}")


def signed_heartbeat(srv, ids):
    """A heartbeat signed over a target whose query is percent-encoded:
    the server checks the bytes as sent, not the decoded path.  Once."""
    target = "/api/v1/agent/heartbeat?probe=%41b"
    body = json.dumps({"agent_version": "it"}).encode()
    hdr = {"Authorization": agent_auth(ids["acme-agent"],
                                       ids["acme-agent-sk"], "POST",
                                       target, body)}
    c = srv.client()
    r = c.request("POST", target, raw=body, ctype="application/json",
                  headers=hdr)
    check(r.status == 200 and r.json["tenant"] == "acme",
          f"signed heartbeat: {r}")
    r = c.request("POST", target, raw=body, ctype="application/json",
                  headers=hdr)
    check(r.status == 401, f"replayed heartbeat: {r}")
    hdr = {"Authorization": agent_auth(ids["acme-agent"],
                                       ids["acme-agent-sk"], "POST",
                                       "/api/v1/agent/heartbeat?probe=Ab",
                                       body)}
    r = c.request("POST", target, raw=body, ctype="application/json",
                  headers=hdr)
    check(r.status == 401, f"heartbeat signed over the decoded query: {r}")


# Routes a valid API token may not use (docs/api.md: "sessions only"),
# each with a body that would be accepted from a session.
SESSION_ONLY = {
    ("PATCH", "/api/v1/me"): {"lang": "de", "tz": "Europe/Berlin"},
    ("POST", "/api/v1/me/password"): {"password": None,
                                      "new_password": "y" * 12},
    ("POST", "/api/v1/me/totp"): {"password": None,
                                  "secret": "A" * 32, "code": "000000"},
    ("POST", "/api/v1/tokens"): {"name": "from-a-token"},
}


def sessions_only(srv, who, ids, rs):
    """Each session-only route refuses tech-globex's own valid token."""
    table = {(rt["method"], rt["pattern"]) for rt in rs}
    c = srv.client()
    tok = ids["tech-globex-secret"]
    for (method, path), body in SESSION_ONLY.items():
        check((method, path) in table, f"{method} {path} not served")
        body = {k: (who["tech-globex"].password if v is None else v)
                for k, v in body.items()}
        r = c.request(method, path, body=body, token=tok)
        check(r.status == 403 and r.code() == "forbidden",
              f"{method} {path} with an API token: {r}")
    r = c.request("GET", "/api/v1/me", token=tok)
    check(r.status == 200 and r.json["kind"] == "token"
          and r.json["user"]["lang"] == "en"
          and r.json["user"]["tz"] == "UTC"
          and r.json["user"]["totp"] is False, f"changed by a token: {r}")
    r = c.request("GET", "/api/v1/tokens", token=tok)
    check([t["name"] for t in r.json["items"]] == ["t"],
          f"a token made a token: {r}")
    check(srv.client().login("tech-globex", who["tech-globex"].password)
          .status == 200, "the password changed through a token")


def path_for(pattern, ids, owner="acme"):
    """The route's path with its {params} naming owner's objects."""
    tok = ids["tech-acme-token"] if owner == "acme" \
        else ids["tech-globex-token"]
    etok = ids[owner + "-etok"]
    return (pattern.replace("{tenant}", owner)
            .replace("{user}", "tech-" + owner)
            .replace("{id}/revisions", f"{ids[owner]}/revisions")
            .replace("/enroll-tokens/{id}", f"/enroll-tokens/{etok}")
            .replace("/agents/{id}", f"/agents/{ids[owner + '-agent']}")
            .replace("/tokens/{id}", f"/tokens/{tok}")
            .replace("/advisories/{id}", f"/advisories/{ids[owner]}")
            .replace("/indicators/{id}", f"/indicators/{ids['acme-indicator']}")
            .replace("/indicator-sources/{id}",
                     f"/indicator-sources/{ids['acme-source']}")
            .replace("/allowlist/{id}", f"/allowlist/{ids['acme-allow']}"))


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
            if rt["auth"] == "agent":
                check(r.status == 401, f"{what} as technician: {r}")
                r = call(admin, rt, p)
                check(r.status == 401, f"{what} as msp-admin: {r}")
            elif rt["auth"] == "msp-admin":
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
        signed_heartbeat(srv, ids)
        sessions_only(srv, who, ids, rs)
        print(f"server_authz: {n} routes walked, ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
