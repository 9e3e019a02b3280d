#!/usr/bin/env python3
"""The web UI in a real browser: a real rampartd on SQLite, seeded
through the JSON API (two customers, one whose name is HTML with
script; an agent whose host name is the same; a viewer with TOTP), then
Debian's chromium driven by tests/it/web_ui.mjs (puppeteer-core, axe-core;
tests/it/web_lib.mjs has the helpers).  Node failing fails the test; a
missing chromium or npm module fails it too, with a message saying what
to install.

RAMPART_SCREENSHOTS=DIR (make screenshots) saves each page visited as a
full-page PNG into DIR.
"""
import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_lib  # noqa: E402
from server_lib import Server, check, fail  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Shown on every page that names the customer or the machine: as text.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def api(c, method, path, body=None, want=200):
    r = c.request(method, path, body=body)
    check(r.status == want, f"{method} {path}: {r}")
    return r.json


def hostile_agent(srv, c):
    """An agent of the hostile customer that claims a hostile host name
    and runs software the hostile advisory (its title is the same
    string) names, a job on it, a block-verify job whose report carries
    the string, the confirmation of a block action, and those pages'
    paths: each shows the string and must show it as text."""
    try:
        from agent_lib import AgentKey, full_inventory, software
    except ImportError:
        fail("python3-cryptography is missing (scripts/setup-deps.sh)")
    tok = api(c, "POST", "/api/v1/tenants/evil/enroll-tokens",
              {"name": "web-ui"}, want=201)
    key = AgentKey()
    ans = api(srv.client(), "POST", "/api/v1/agents/enroll",
              key.enroll_body(tok["secret"], HOSTILE, HOSTILE), want=201)
    key.agent_id = ans["agent_id"]
    r = key.request(srv.client(), "POST", "/api/v1/agent/inventory",
                    full_inventory(1, {"name": HOSTILE, "os": "windows",
                                       "addresses": [{"ip": "192.0.2.7",
                                                      "iface": "eth0"}]},
                                   [software("Hostile App", "1.0",
                                             vendor="Hostile")]))
    check(r.status == 200, f"hostile inventory: {r}")
    adv = {"rampart_advisory": 1, "id": "HOSTILE-1", "title": HOSTILE,
           "publisher": "web_ui", "published": "2026-01-01T00:00:00Z",
           "status": "final", "severity": "high", "summary": HOSTILE,
           "products": [{"id": "p", "vendor": "Hostile",
                         "product": "Hostile App", "platform": "windows",
                         "scheme": "generic", "versions": ["1.0"],
                         "fixed": "1.1", "remediation": HOSTILE}]}
    a = api(c, "POST", "/api/v1/advisories?tenants=evil", adv, want=201)
    check(a["title"] == HOSTILE, f"advisory title not kept: {a}")
    f = api(c, "GET", f"/api/v1/findings?advisory={a['id']}")
    check(len(f["items"]) == 1, f"no finding of the hostile advisory: {f}")
    job = api(c, "POST", "/api/v1/jobs",
              {"type": "inventory", "target": {"host": key.agent_id}},
              want=201)
    # an indicator of the hostile customer from a source of that name,
    # with it as its tag and comment
    api(c, "POST", "/api/v1/indicator-sources",
        {"tenant": "evil", "name": HOSTILE, "kind": "manual"}, want=201)
    ind = api(c, "POST", "/api/v1/indicators",
              {"tenant": "evil", "type": "domain", "value": "evil.example",
               "source": HOSTILE, "comment": HOSTILE, "tags": [HOSTILE]},
              want=201)
    # a block-verify job whose report, as the agent sent it, names the
    # string as a domain, how and an address
    blob = api(c, "POST", "/api/v1/tenants/evil/blocklists",
               {"domains": ["evil.example"]}, want=201)
    vjob = api(c, "POST", "/api/v1/jobs",
               {"type": "block-verify", "args": {"blocklist": blob["sha256"]},
                "target": {"host": key.agent_id}}, want=201)
    r = key.request(srv.client(), "GET", "/api/v1/agent/jobs")
    check(r.status == 200 and len(r.json["jobs"]) == 2, f"jobs: {r}")
    r = key.request(srv.client(), "POST",
                    f"/api/v1/agent/jobs/{vjob['id']}/state", {
                        "state": "done", "results": [{
                            "blocklist": blob["sha256"], "resolver": HOSTILE,
                            "domains": 1, "checked": 1, "limit": 1000,
                            "truncated": False, "resolver_down": False,
                            "counts": {"blocked": 0, "open": 1, "error": 0},
                            "rows": [{"domain": HOSTILE, "state": "open",
                                      "how": HOSTILE,
                                      "addresses": [HOSTILE]}]}]})
    check(r.status == 200, f"block-verify report: {r}")
    return ["/", "/advisories", f"/advisories/{a['id']}",
            f"/hosts/{key.agent_id}", "/hosts", f"/jobs/{job['id']}",
            f"/jobs/{vjob['id']}",
            f"/hosts/{key.agent_id}/block?action=verify",
            "/audit", "/admin", "/indicators", f"/indicators/{ind['id']}"]


def body_caps(srv, cookie):
    """A form body over 64 KiB is refused before it is read, unless the
    session is real (an advisory upload): a made-up session cookie does
    not raise the cap."""
    size = 200 * 1024
    for ck, want in (("", 413), ("forged", 413)):
        # the headers alone: the answer comes before any of the body
        conn = srv.client()._conn()
        try:
            conn.putrequest("POST", "/advisories")
            conn.putheader("Content-Type",
                           "application/x-www-form-urlencoded")
            conn.putheader("Content-Length", str(size))
            if ck:
                conn.putheader("Cookie", f"rampart_session={ck}")
            conn.endheaders()
            st = conn.getresponse().status
        finally:
            conn.close()
        check(st == want, f"a 200 KiB form with cookie {ck!r}: {st}, "
              f"expected {want}")
    # a real session may send it (and is then refused for its token)
    r = srv.client().request("POST", "/advisories",
                             raw=b"x=" + b"a" * size,
                             ctype="application/x-www-form-urlencoded",
                             cookie=cookie)
    check(r.status == 403, f"a 200 KiB form of a session: {r.status}")


def seed(srv):
    """The data the pages show; returns the pages that show the hostile
    string, and the users the browser logs in
    as, each with the last TOTP step used (the server takes a step once,
    and only a later one after it)."""
    boot = srv.bootstrap
    check(boot is not None, f"no bootstrap credentials:\n{srv.out}")
    c = srv.client()
    r = c.login(boot["user"], boot["password"], boot["totp_secret"])
    check(r.status == 200, f"admin login: {r}")
    for slug, name in (("acme", "Acme Dental"), ("evil", HOSTILE)):
        t = api(c, "POST", "/api/v1/tenants", {"slug": slug, "name": name},
                want=201)
        check(t["name"] == name, f"tenant name not kept: {t}")
    pages = hostile_agent(srv, c)
    body_caps(srv, c.cookie)
    v = api(c, "POST", "/api/v1/users",
            {"name": "vic", "role": "viewer", "tenants": ["acme", "evil"],
             "totp": True}, want=201)
    check("password" in v and "totp_secret" in v, f"viewer secrets: {v}")
    steps = server_lib._last_step
    return pages, {
        "admin": {"user": boot["user"], "password": boot["password"],
                  "totp_secret": boot["totp_secret"],
                  "last_step": steps.get(boot["totp_secret"], -1)},
        "viewer": {"user": "vic", "password": v["password"],
                   "totp_secret": v["totp_secret"], "last_step": -1},
    }


def run_node(srv, argv, env):
    """Runs node while reading what rampartd prints, so its pipe never
    fills and blocks it; node's exit status."""
    p = subprocess.Popen(argv, env=env)
    fd = srv.proc.stdout.fileno()
    while p.poll() is None and srv.proc.poll() is None:
        if select.select([fd], [], [], 1)[0]:
            srv.drain()
    return p.wait()


def server_checks(srv, users):
    """After a browser run: rampartd stops cleanly on SIGTERM, no
    sanitizer spoke, and no user's password or TOTP secret is in its
    output (only the first start's own block of credentials)."""
    rc = srv.stop()
    check(rc == 0, f"SIGTERM exit {rc}:\n{srv.out}")
    # A role the sanitizers stopped would have been restarted quietly.
    for bad in ("ERROR: AddressSanitizer", "runtime error:",
                "ERROR: LeakSanitizer"):
        check(bad not in srv.out, f"{bad} in rampartd's output:\n"
              f"{srv.out[-20000:]}")
    # Logins through the form log no secret: only the first start's
    # block of credentials shows the administrator's.
    rest = re.sub(r"^  (user|password|TOTP secret|TOTP URI): .*$", "",
                  srv.out, flags=re.M)
    for u in users.values():
        check(u["password"] not in rest and
              (not u["totp_secret"] or u["totp_secret"] not in rest),
              f"a secret of {u['user']} is in the server's output")


def main():
    node = shutil.which("node")
    check(node is not None, "node is missing (scripts/setup-deps.sh)")
    srv = Server().start()
    try:
        pages, users = seed(srv)
        env = dict(os.environ)
        env.update({
            "RAMPART_URL": f"https://127.0.0.1:{srv.port}",
            "RAMPART_FINGERPRINT": srv.fingerprint,
            "RAMPART_USERS": json.dumps(users),
            "RAMPART_HOSTILE": HOSTILE,
            "RAMPART_PAGES": json.dumps(pages),
        })
        rc = run_node(srv, [node, os.path.join(HERE, "web_ui.mjs")], env)
        if rc != 0:
            print(srv.drain()[-20000:], file=sys.stderr)
            fail(f"web_ui.mjs failed (exit {rc}); rampartd's output above")
        server_checks(srv, users)
    finally:
        srv.cleanup()
    print("web_ui: ok")


if __name__ == "__main__":
    main()
