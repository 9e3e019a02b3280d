#!/usr/bin/env python3
"""The web UI's blocklist actions on a machine's page and their results
on the job's page, on a real rampartd, with an agent that speaks the
protocol (its key in Python) and reports what a gateway would:

- a technician's machine page offers "Apply blocklist", "Remove
  blocklist" and "Verify block", each a GET to a confirmation page whose
  form POSTs with the form token; a viewer's page offers none, and the
  viewer's confirmation page and POST are refused (403);
- a POST without the form token is refused and makes no job;
- "Verify block" builds the blob from the customer's indicators (the
  same SHA-256 as POST /tenants/acme/blocklists {"from": "indicators"})
  and makes a block-verify job for that one host, then the job's page;
- the reported rows render as a table (domain, verdict, how or the
  addresses), with the counts; a domain the agent reports with markup
  is shown as text; apply and remove render their outcome in words;
- an unknown action is 404;
- the overview shows each customer's newest block-verify job with a
  host done (GET /api/v1/jobs?latest=block-verify): its host, time and
  counts, linked to the job; a newer one once it is reported; "never
  verified" for a customer without one."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs_flow import Agent, login_user  # noqa: E402
from server_lib import Server, check  # noqa: E402

HOSTILE = "<script>alert(1)</script>.example"


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    check(m is not None, "no form token on the page")
    return m.group(1)


def form(c, path, fields):
    body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
    return c.request("POST", path, raw=body,
                     ctype="application/x-www-form-urlencoded")


def page(c, path, status=200):
    r = c.request("GET", path)
    check(r.status == status, f"GET {path}: {r.status}, want {status}")
    return r.body.decode()


def jobs_of(c, agent):
    r = c.request("GET", f"/api/v1/jobs?host={agent}")
    check(r.status == 200, f"jobs: {r}")
    return r.json["items"]


def act(c, agent, action):
    """The confirmation page, then its form: the new job's ID."""
    html = page(c, f"/hosts/{agent}/block?action={action}")
    check(f'action="/hosts/{agent}/block"' in html and
          f'name="action" value="{action}"' in html and
          'class="confirm"' in html, f"confirmation of {action}:\n{html}")
    r = form(c, f"/hosts/{agent}/block",
             {"csrf": csrf_of(html), "action": action})
    loc = r.header("Location") or ""
    check(r.status == 303 and re.fullmatch(r"/jobs/[a-z2-7]{26}\?done=job",
                                           loc), f"POST {action}: {r}")
    return loc[len("/jobs/"):len("/jobs/") + 26]


def verified_row(html):
    """The overview's block-verification section, as text."""
    m = re.search(r'<section aria-labelledby="h-verified">(.*?)</section>',
                  html, re.S)
    check(m is not None, f"no block-verification section:\n{html}")
    return m.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                  m.group(1)))


def overview(srv, tech, vic, ag, first, sha):
    """The newest block-verify job with a host done, per customer: the
    first until a second is reported, then the second."""
    r = tech.request("GET", "/api/v1/jobs?latest=block-verify")
    check(r.status == 200 and [x["id"] for x in r.json["items"]] ==
          [first], f"?latest=block-verify: {r}")
    for q in ("latest=frob", "latest=block-verify&tenant=acme"):
        r = tech.request("GET", f"/api/v1/jobs?{q}")
        check(r.status == 400, f"?{q}: {r}")
    second = act(tech, ag.id, "verify")  # not reported yet
    for c in (tech, vic):
        raw, text = verified_row(page(c, "/"))
        check(f'href="/jobs/{first}"' in raw and
              f'href="/hosts/{ag.id}"' in raw and
              "Acme acme gw1" in text and "1 blocked, 1 open, 1 error" in
              text, f"overview before the second report: {text}")
    ag.jobs()
    ag.report(second, "done", "", [{
        "blocklist": sha, "resolver": "127.0.0.53", "domains": 2,
        "checked": 2, "limit": 1000, "truncated": False,
        "resolver_down": False,
        "counts": {"blocked": 2, "open": 0, "error": 0},
        "rows": [{"domain": "acme-open-c2.com", "state": "blocked",
                  "how": "sinkhole"},
                 {"domain": "acmeevil-c2.com", "state": "blocked",
                  "how": "nxdomain"}]}])
    raw, text = verified_row(page(tech, "/"))
    check(f'href="/jobs/{second}"' in raw and first not in raw and
          "2 blocked, 0 open, 0 error" in text,
          f"overview after the second report: {text}")
    # a customer without one
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status ==
          200, "admin login")
    check(a.request("POST", "/api/v1/tenants", body={
        "slug": "globex", "name": "Globex"}).status == 201, "globex")
    raw, text = verified_row(page(a, "/"))
    check("Globex globex never verified" in text, f"globex: {text}")


def main():
    srv = Server().start()
    try:
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "admin login")
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": "acme", "name": "Acme"}).status == 201, "tenant")
        items = [{"tenant": "acme", "type": t, "value": v} for t, v in (
            ("ip", "185.100.87.11"), ("domain", "acmeevil-c2.com"),
            ("domain", "acme-open-c2.com"))]
        r = a.request("POST", "/api/v1/indicators", body={"items": items})
        check(r.status in (200, 201), f"indicators: {r}")
        tech = login_user(srv, a, "tech", "technician", ["acme"])
        r = a.request("POST", "/api/v1/users", body={
            "name": "vic", "role": "viewer", "tenants": ["acme"],
            "totp": False})
        check(r.status == 201, f"viewer: {r}")
        vic = srv.client()
        check(vic.login("vic", r.json["password"]).status == 200, "vic")
        ag = Agent(srv, tech, "acme", "gw1")
        host = f"/hosts/{ag.id}"

        html = page(tech, host)
        for action, label in (("apply", "Apply blocklist"),
                              ("remove", "Remove blocklist"),
                              ("verify", "Verify block")):
            check(f'name="action" value="{action}"' in html and
                  label in html, f"the technician's {label}:\n{html}")
        html = page(vic, host)
        check(f"{host}/block" not in html and "Verify block" not in html,
              f"a viewer is offered the block actions:\n{html}")
        page(vic, f"{host}/block?action=verify", 403)
        r = form(vic, f"{host}/block", {"csrf": csrf_of(html),
                                        "action": "apply"})
        check(r.status == 403, f"a viewer's POST: {r.status}")
        page(tech, f"{host}/block?action=frob", 404)
        r = form(tech, f"{host}/block", {"action": "verify"})
        check(r.status == 403, f"a POST without the form token: {r}")
        check(jobs_of(tech, ag.id) == [], "a refused POST made a job")

        # verify: the blob of acme's indicators, a job on this host
        job = verify_job = act(tech, ag.id, "verify")
        r = tech.request("POST", "/api/v1/tenants/acme/blocklists",
                         body={"from": "indicators"})
        check(r.status == 200 and not r.json["new"], f"the blob: {r}")
        j = tech.request("GET", f"/api/v1/jobs/{job}").json
        check(j["type"] == "block-verify" and j["targets"] == 1 and
              j["args"] == {"blocklist": r.json["sha256"]} and
              j["target"] == {"host": ag.id}, f"the job: {j}")
        check(len(ag.jobs()) == 1, "the job was not delivered")
        rows = [{"domain": "acme-open-c2.com", "state": "open",
                 "addresses": ["185.100.87.12", "2001:db8::7"]},
                {"domain": "acmeevil-c2.com", "state": "blocked",
                 "how": "nxdomain"},
                {"domain": HOSTILE, "state": "error"}]
        ag.report(job, "done", "", [{
            "blocklist": r.json["sha256"], "resolver": "127.0.0.53",
            "domains": 3, "checked": 3, "limit": 1000, "truncated": False,
            "resolver_down": False,
            "counts": {"blocked": 1, "open": 1, "error": 1}, "rows": rows}])
        html = page(tech, f"/jobs/{job}?done=job")
        check("1 blocked, 1 open, 1 error" in html and
              "3 of 3 domains checked through 127.0.0.53." in html and
              "Block verification on gw1" in html, f"verify:\n{html}")
        m = re.search(r'<table class="grid" aria-labelledby="h-v-[^"]+">'
                      r'(.*?)</table>', html, re.S)
        check(m is not None, f"no table of domains:\n{html}")
        t = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))
        check("Domain Verdict How, or the addresses answered" in t and
              "acme-open-c2.com open 185.100.87.12 2001:db8::7" in t and
              "acmeevil-c2.com blocked nxdomain" in t and
              "&lt;script&gt;alert(1)&lt;/script&gt;.example error" in t,
              f"the table: {t}")
        check("<script>alert" not in html, "markup from the agent")
        check(page(vic, f"/jobs/{job}").count("acmeevil-c2.com") == 1,
              "the viewer does not see the result")

        job = act(tech, ag.id, "apply")
        j = tech.request("GET", f"/api/v1/jobs/{job}").json
        check(j["type"] == "block-apply" and
              j["args"]["blocklist"] == r.json["sha256"], f"apply: {j}")
        ag.jobs()
        ag.report(job, "done", "", [{
            "table": "inet rampart_blocklist", "blocklist":
            r.json["sha256"], "addresses": 1, "ipv4": 1, "ipv6": 0,
            "domains_not_applied": 2}])
        html = page(tech, f"/jobs/{job}")
        check("1 addresses in table inet rampart_blocklist (1 IPv4, 0 "
              "IPv6); 2 domains are the resolver&#39;s part" in html or
              "1 addresses in table inet rampart_blocklist (1 IPv4, 0 "
              "IPv6); 2 domains are the resolver&#x27;s part" in html,
              f"apply:\n{html}")

        job = act(tech, ag.id, "remove")
        j = tech.request("GET", f"/api/v1/jobs/{job}").json
        check(j["type"] == "block-remove" and j["args"] == {},
              f"remove: {j}")
        ag.jobs()
        ag.report(job, "done", "", [{"table": "inet rampart_blocklist",
                                     "outcome": "not present"}])
        html = page(tech, f"/jobs/{job}")
        check("table inet rampart_blocklist was not present" in html,
              f"remove:\n{html}")
        overview(srv, tech, vic, ag, verify_job, r.json["sha256"])
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        srv.cleanup()
    print("web_block: ok")


if __name__ == "__main__":
    main()
