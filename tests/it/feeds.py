#!/usr/bin/env python3
"""Blocklist feeds on a real rampartd (docs/feeds.md, docs/api.md
"Feeds"), on SQLite, and on PostgreSQL when RAMPART_TEST_DB is set.

- Every format: two tenants with their own indicators and MSP-wide ones;
  each tenant's feed holds its own and the MSP-wide values of the kinds
  the format takes, and never a value of the other tenant (the bytes are
  searched); the MSP-wide feed holds the MSP-wide values only.
- The 3CX set (the shared data's Volexity and Sophos lists) as a third
  tenant's indicators: each feed's bytes pass the real checker where
  tests/it/blocklist_tools.py has one; raw.githubusercontent.com and
  github.com never appear in a domain or address feed and the report
  lists them with their reason, while the exact staging URL is in the
  Squid url_regex and Suricata rules; co.uk is refused with its reason.
- 304 to a matching If-None-Match (and If-Modified-Since), 200 with a new
  ETag after an indicator is added, edited, deleted, and when one
  expires by itself; 404 for a wrong secret, a file name of another
  format, a disabled feed and a rotated-away secret; HEAD.
- A gateway's blocklist blob built from the indicators holds exactly the
  tenant's and MSP-wide addresses and domains, none of GitHub or co.uk.
- Fetch records and status: never, fetch, add an indicator -> stale 1,
  fetch again -> fresh; the records are there after a clean shutdown.
- Another tenant's technician gets 404 on every feeds route.
"""

import calendar
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check, store_sql  # noqa: E402
import blocklist_tools as bt  # noqa: E402

# The kinds each format takes (src/lib/blocklist/format.c).
D, V4, V6, U, H = "domain", "ip4", "ip6", "url", "hash"
KINDS = {
    # iptables/ip6tables only hook the ipset sets in: no values in them
    "nft": {V4, V6}, "ipset": {V4, V6}, "iptables": set(),
    "ip6tables": set(), "unbound": {D}, "rpz": {D, V4, V6},
    "dnsmasq": {D}, "hosts": {D}, "suricata": {D, U},
    "suricata-dataset": {D}, "pfsense": {V4, V6},
    "fortigate-ip": {V4, V6}, "fortigate-domain": {D},
    "fortigate-hash": {H}, "pan-ip": {V4, V6}, "pan-domain": {D},
    "pan-url": {U}, "squid-dstdomain": {D}, "squid-dst": {V4, V6},
    "squid-url": {U}, "mikrotik": {V4, V6, D},
    "csv": {D, V4, V6, U, H}, "json": {D, V4, V6, U, H},
    "stix": {D, V4, V6, U, H},
}
EXT = {"iptables": "rules", "ip6tables": "rules", "suricata": "rules",
       "unbound": "conf", "dnsmasq": "conf", "rpz": "zone",
       "suricata-dataset": "lst", "squid-dstdomain": "acl",
       "squid-dst": "acl", "squid-url": "acl", "mikrotik": "rsc",
       "csv": "csv", "json": "json", "stix": "json", "nft": "nft",
       "ipset": "ipset", "hosts": "hosts"}


def values(who, n):
    """The indicators of one owner (n: 1 acme, 2 globex, 3 MSP) and the
    markers each kind leaves in a file (several spellings: addresses in
    an RPZ zone are reversed)."""
    dom = f"{who}evil-c2.com"
    v4 = f"185.100.87.{n}{n}"
    v6 = f"2a0b:f4c0::{n}{n}"
    url = f"http://{who}evil-c2.com/{who}gate"
    sha = f"{n}{n}ab" * 16
    ind = [("domain", dom), ("ip", v4), ("ip", v6), ("url", url),
           ("sha256", sha)]
    marks = {D: [f"{who}evil"], V4: [v4, f"{n}{n}.87.100.185"],
             V6: [v6, f"{n}{n}.zz.f4c0.2a0b"], U: [f"{who}gate"],
             H: [sha]}
    return ind, marks


def readable(fmt, body):
    """The file as text to search: Suricata datasets hold base64."""
    if fmt != "suricata-dataset":
        return body
    import base64
    return "\n".join(base64.b64decode(ln).decode()
                     for ln in body.split() if ln)


def has(body, marks):
    return any(m in body for m in marks)


def login_admin(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    return a


def tech(srv, admin, slug):
    r = admin.request("POST", "/api/v1/users", body={
        "name": "tech-" + slug, "role": "technician", "tenants": [slug],
        "totp": False})
    check(r.status == 201, f"user tech-{slug}: {r}")
    c = srv.client()
    c.password = r.json["password"]
    check(c.login("tech-" + slug, c.password).status == 200,
          f"login tech-{slug}")
    return c


def add(c, tenant, typ, value, **extra):
    body = {"type": typ, "value": value}
    if tenant is not None:
        body["tenant"] = tenant
    body.update(extra)
    r = c.request("POST", "/api/v1/indicators", body=body)
    check(r.status in (200, 201), f"indicator {typ} {value}: {r}")
    return r.json["id"]


def add_batch(c, tenant, items):
    for i in range(0, len(items), 500):
        part = [dict(type=t, value=v, **({"tenant": tenant} if tenant
                                         else {}))
                for t, v in items[i:i + 500]]
        r = c.request("POST", "/api/v1/indicators", body={"items": part})
        check(r.status in (200, 201), f"indicator batch: {r}")


def feed(c, tenant, fmt, **extra):
    body = {"tenant": tenant, "name": f"{fmt} edge", "format": fmt}
    body.update(extra)
    r = c.request("POST", "/api/v1/feeds", body=body)
    check(r.status == 201, f"feed {tenant} {fmt}: {r}")
    url = r.json["url"]
    check(url.startswith("https://127.0.0.1:") and "/feeds/v1/rpf_" in url,
          f"feed URL: {url}")
    check(url.endswith("." + EXT.get(fmt, "txt")), f"file name: {url}")
    return r.json["id"], url[url.index("/feeds/v1/"):]


def fetch(srv, path, status=200, headers=None, method="GET"):
    # no credentials: the secret in the URL is the credential
    r = srv.client().request(method, path, headers=headers)
    check(r.status == status, f"{method} feed: {r.status} (want {status})")
    return r


def check_isolation(srv, admin, own):
    """Every format: each tenant's feed has its own and MSP-wide values
    and never the other tenant's; the MSP-wide feed MSP-wide ones only."""
    for fmt, kinds in KINDS.items():
        for tenant in ("acme", "globex", None):
            _, path = feed(admin, tenant, fmt)
            body = readable(fmt, fetch(srv, path).body.decode())
            who = tenant or "msp"
            others = [w for w in ("acme", "globex", "msp")
                      if w != who and not (w == "msp" and tenant)]
            for k in kinds:
                check(has(body, own[who][k]),
                      f"{fmt} feed of {who}: its {k} value missing:\n"
                      f"{body[:1500]}")
                if tenant:
                    check(has(body, own["msp"][k]),
                          f"{fmt} feed of {who}: MSP-wide {k} missing")
            for w in others:
                for k, marks in own[w].items():
                    check(not has(body, marks),
                          f"{fmt} feed of {who} holds {w}'s {k} value")
    print("isolation: every format ok")


def check_3cx(srv, admin):
    """The 3CX set through the guard, each format checked by its tool."""
    lines = bt.three_cx()
    check(len(lines) > 10, "3CX lines read from the shared data")
    items = []
    for ln in lines:
        kind, value = ln.split(" ", 2)[:2]
        items.append((kind, value))
    items += [("domain", "github.com"), ("domain", "co.uk")]
    add_batch(admin, "threecx", items)
    staging = [v for k, v in items if k == "url"
               and "raw.githubusercontent.com" in v]
    check(staging, "a 3CX staging URL on raw.githubusercontent.com")
    tmp = tempfile.mkdtemp(prefix="feeds-3cx-")
    for fmt, kinds in KINDS.items():
        fid, path = feed(admin, "threecx", fmt)
        raw = fetch(srv, path).body.decode()
        body = readable(fmt, raw)
        if fmt in bt.CHECKS:
            p = os.path.join(tmp, "feed." + fmt)
            with open(p, "w") as f:
                f.write(raw)
            bt.run_check(fmt, p, True)
        rep = admin.request("GET", f"/api/v1/feeds/{fid}/report").json
        refused = {r["value"]: r for r in rep["refusals"]}
        for name in ("raw.githubusercontent.com", "github.com"):
            check(name in refused and refused[name]["reason"]
                  and refused[name]["text"],
                  f"{fmt}: {name} not in the report: {rep['refusals']}")
        check("co.uk" in refused
              and refused["co.uk"]["reason"] == "public-suffix",
              f"{fmt}: co.uk not refused as a public suffix: {refused}")
        if kinds & {D, V4, V6} and U not in kinds:
            for line in body.splitlines():
                check("github" not in line.lower(),
                      f"{fmt}: GitHub in a domain/address feed: {line}")
        if fmt in ("squid-url", "suricata"):
            for u in staging:
                tail = u.split("raw.githubusercontent.com", 1)[1]
                seg = tail.strip("/").split("/")[0]
                check(seg in body, f"{fmt}: staging URL {u} missing")
    check(not bt.failures, f"checkers refused feeds: {bt.failures}")
    print("3CX: checkers ok, GitHub kept out, co.uk refused")


def blobs(srv, tech_acme):
    """A gateway's blob from the indicators: what the feeds serve of
    addresses and domains, through the same guard."""
    import json
    r = tech_acme.request("POST", "/api/v1/tenants/acme/blocklists",
                          body={"from": "indicators"})
    check(r.status == 201 and r.json["refused"] == 0, f"blob: {r}")
    sha = r.json["sha256"]
    body = json.loads(store_sql(srv, "SELECT body FROM blocklist_blobs "
                                f"WHERE sha256 = '{sha}'")[0][0])
    check(sorted(body["addresses"]) == sorted(
        ["185.100.87.11", "185.100.87.33", "2a0b:f4c0::11",
         "2a0b:f4c0::33"]) and sorted(body["domains"]) ==
        ["acmeevil-c2.com", "mspevil-c2.com"], f"acme's blob: {body}")
    r = tech_acme.request("POST", "/api/v1/tenants/globex/blocklists",
                          body={"from": "indicators"})
    check(r.status == 404, f"another tenant's blob: {r}")
    r = tech_acme.request("POST", "/api/v1/tenants/acme/blocklists",
                          body={"from": "elsewhere"})
    check(r.status == 400, f"from elsewhere: {r}")
    print("blobs from indicators: ok")


def blob_3cx(srv, admin):
    import json
    r = admin.request("POST", "/api/v1/tenants/threecx/blocklists",
                      body={"from": "indicators"})
    check(r.status == 201 and r.json["refused"] >= 3, f"3CX blob: {r}")
    body = store_sql(srv, "SELECT body FROM blocklist_blobs WHERE "
                     f"sha256 = '{r.json['sha256']}'")[0][0]
    doms = json.loads(body)["domains"]
    check(doms and not any("github" in d or d == "co.uk" for d in doms),
          f"GitHub or co.uk in the 3CX blob: {doms}")


def conditional(srv, admin, tech_acme):
    """304, new ETags on add, edit, delete and expiry; 404s; HEAD."""
    fid, path = feed(tech_acme, "acme", "unbound")
    r = fetch(srv, path)
    etag, lm = r.header("ETag"), r.header("Last-Modified")
    check(etag and etag.startswith('"') and lm, f"ETag/Last-Modified: {r}")
    check(r.header("Cache-Control") == "no-cache", "Cache-Control")
    check(r.header("Content-Type").startswith("text/plain"), "type")
    fetch(srv, path, 304, {"If-None-Match": etag})
    fetch(srv, path, 304, {"If-Modified-Since": lm})
    fetch(srv, path, 200, {"If-None-Match": '"something-else"'})
    h = fetch(srv, path, 200, method="HEAD")
    check(h.header("ETag") == etag and h.body == b""
          and h.header("Content-Length") == str(len(r.body)), f"HEAD: {h}")

    def changed(old, want=None, gone=None):
        r = fetch(srv, path, 200, {"If-None-Match": old})
        e = r.header("ETag")
        check(e != old, "a new ETag")
        body = r.body.decode()
        if want:
            check(want in body, f"{want} not in the feed")
        if gone:
            check(gone not in body, f"{gone} still in the feed")
        fetch(srv, path, 304, {"If-None-Match": e})
        return e

    iid = add(tech_acme, "acme", "domain", "added-later.net")
    etag = changed(etag, want="added-later.net")
    r = tech_acme.request("PATCH", f"/api/v1/indicators/{iid}",
                          body={"mode": "inform"})
    check(r.status == 200, f"edit: {r}")
    etag = changed(etag, gone="added-later.net")
    r = tech_acme.request("PATCH", f"/api/v1/indicators/{iid}",
                          body={"mode": "block"})
    etag = changed(etag, want="added-later.net")
    r = tech_acme.request("DELETE", f"/api/v1/indicators/{iid}")
    check(r.status == 204, f"delete: {r}")
    etag = changed(etag, gone="added-later.net")
    # an indicator that expires in a few seconds leaves without a write
    # "soon" by the server's clock (its Date header)
    now = calendar.timegm(time.strptime(fetch(srv, path).header("Date"),
                                        "%a, %d %b %Y %H:%M:%S GMT"))
    soon = now + 4
    add(tech_acme, "acme", "domain", "expires-soon.net",
        expires=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(soon)))
    etag = changed(etag, want="expires-soon.net")
    # polled until it changes (at most two minutes of polls)
    for _ in range(240):
        r = srv.client().request("GET", path,
                                 headers={"If-None-Match": etag})
        if r.status == 200:
            break
        check(r.status == 304, f"waiting for expiry: {r}")
        time.sleep(0.5)
    check(r.status == 200, "the expired indicator stayed")
    check(b"expires-soon.net" not in r.body, "expired value served")
    served = calendar.timegm(time.strptime(r.header("Date"),
                                           "%a, %d %b %Y %H:%M:%S GMT"))
    check(served >= soon, "the feed changed before the expiry")
    lm = calendar.timegm(time.strptime(r.header("Last-Modified"),
                                       "%a, %d %b %Y %H:%M:%S GMT"))
    check(lm == soon, f"Last-Modified {lm} is not the expiry {soon}")
    etag = r.header("ETag")

    # wrong secrets, another format's file name, disabled, rotated
    secret = path.split("/")[3]
    bad = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for p in (path.replace(secret, bad), path.replace(".conf", ".rsc"),
              "/feeds/v1/" + secret, "/feeds/v1/x/y.conf"):
        r = fetch(srv, p, 404)
        check(r.body == b"" and r.header("ETag") is None, f"404 says: {r}")
    fetch(srv, path.replace("rampart-blocklist", "anything"), 200)
    r = srv.client().request("POST", path, body={})
    check(r.status == 405, f"POST to a feed: {r}")
    r = tech_acme.request("PATCH", f"/api/v1/feeds/{fid}",
                          body={"enabled": False})
    check(r.status == 200 and "url" not in r.json, f"disable: {r}")
    fetch(srv, path, 404)
    r = tech_acme.request("PATCH", f"/api/v1/feeds/{fid}",
                          body={"enabled": True, "rotate_secret": True})
    check(r.status == 200 and "url" in r.json, f"rotate: {r}")
    new = r.json["url"][r.json["url"].index("/feeds/v1/"):]
    check(new != path, "a new URL")
    fetch(srv, path, 404)
    fetch(srv, new, 304, {"If-None-Match": etag})
    r = tech_acme.request("GET", f"/api/v1/feeds/{fid}")
    check("url" not in r.json, "the URL is shown only once")
    print("conditional requests and 404s: ok")
    return fid, new


def liveness(srv, tech_acme):
    fid, path = feed(tech_acme, "acme", "hosts")
    st = tech_acme.request("GET", f"/api/v1/feeds/{fid}/status").json
    check(st["state"] == "never" and st["last_fetch"] is None, f"{st}")
    r = fetch(srv, path)
    st = tech_acme.request("GET", f"/api/v1/feeds/{fid}/status").json
    check(st["state"] == "fresh" and st["changes_since"] == 0, f"{st}")
    check(st["last_fetch"]["etag"] == r.header("ETag")
          and st["last_fetch"]["address"] == "127.0.0.1"
          and st["last_fetch"]["status"] == 200, f"{st}")
    add(tech_acme, "acme", "domain", "stale-check.net")
    st = tech_acme.request("GET", f"/api/v1/feeds/{fid}/status").json
    check(st["state"] == "stale" and st["changes_since"] == 1, f"{st}")
    lst = tech_acme.request("GET", "/api/v1/feeds?tenant=acme").json
    mine = [f for f in lst["items"] if f["id"] == fid]
    check(mine and mine[0]["status"]["state"] == "stale", f"{lst}")
    r2 = fetch(srv, path, 200, {"If-None-Match": r.header("ETag")})
    st = tech_acme.request("GET", f"/api/v1/feeds/{fid}/status").json
    check(st["state"] == "fresh" and st["includes_up_to"], f"{st}")
    fetch(srv, path, 304, {"If-None-Match": r2.header("ETag")})
    fx = tech_acme.request("GET", f"/api/v1/feeds/{fid}/fetches").json
    check([f["status"] for f in fx["items"]] == [304, 200, 200],
          f"fetches: {fx}")
    print("status: never, fresh, stale 1, fresh: ok")
    return fid, path


def wrong_tenant(srv, admin, tech_acme, tech_globex):
    gid, gpath = feed(tech_globex, "globex", "nft")
    r = tech_acme.request("POST", "/api/v1/feeds", body={
        "tenant": "globex", "name": "x", "format": "nft"})
    check(r.status == 404, f"create for another tenant: {r}")
    r = tech_acme.request("POST", "/api/v1/feeds", body={
        "tenant": None, "name": "x", "format": "nft"})
    check(r.status == 403, f"MSP-wide feed by a technician: {r}")
    for m, sub, body in (("GET", "", None), ("PATCH", "", {"enabled": False}),
                         ("DELETE", "", None), ("GET", "/fetches", None),
                         ("GET", "/status", None), ("GET", "/report", None)):
        r = tech_acme.request(m, f"/api/v1/feeds/{gid}{sub}", body=body)
        check(r.status == 404, f"{m} another tenant's feed{sub}: {r}")
    r = tech_acme.request("GET", "/api/v1/feeds?tenant=globex")
    check(r.status == 404, f"list another tenant's feeds: {r}")
    lst = tech_acme.request("GET", "/api/v1/feeds").json
    check(all(f["tenant"] == "acme" for f in lst["items"]), f"{lst}")
    fetch(srv, gpath, 200)  # still there and enabled
    r = tech_globex.request("DELETE", f"/api/v1/feeds/{gid}")
    check(r.status == 204, f"delete: {r}")
    fetch(srv, gpath, 404)
    print("wrong tenant: 404 on every route")


def web_pages(srv, tech_acme):
    """The web UI's Feeds page: a feed made by the form shows its URL
    once, which serves; the overview says whether it was fetched."""
    import re
    from urllib.parse import urlencode
    page = tech_acme.request("GET", "/feeds")
    check(page.status == 200, f"/feeds: {page}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                     page.body.decode()).group(1)
    form = urlencode({"csrf": csrf, "tenant": "acme", "name": "web feed",
                      "format": "mikrotik", "max_entries": "0"})
    r = tech_acme.request("POST", "/feeds", raw=form.encode(),
                          ctype="application/x-www-form-urlencoded")
    check(r.status == 201, f"form: {r.status} {r.body[:500]}")
    m = re.search(r'<code id="feed-url">https://[^<]*(/feeds/v1/[^<]+)'
                  r'</code>', r.body.decode())
    check(m is not None, "the new URL on the page")
    path = m.group(1)
    check(path.endswith(".rsc"), f"MikroTik file name: {path}")
    body = fetch(srv, path).body.decode()
    check("/ip firewall address-list" in body or "address-list" in body,
          f"a MikroTik script: {body[:300]}")
    again = tech_acme.request("GET", "/feeds").body.decode()
    check(path not in again and "web feed" in again,
          "the URL is shown only once")
    over = tech_acme.request("GET", "/").body.decode()
    check("Is the block live?" in over and "/feeds?tenant=acme" in over,
          "the overview's feed column")
    print("web UI: feed page and overview ok")


def main():
    srv = Server().start()
    try:
        admin = login_admin(srv)
        for slug in ("acme", "globex", "threecx"):
            r = admin.request("POST", "/api/v1/tenants",
                              body={"slug": slug, "name": slug.title()})
            check(r.status == 201, f"tenant {slug}: {r}")
        t_acme = tech(srv, admin, "acme")
        t_globex = tech(srv, admin, "globex")
        own = {}
        for who, n, tenant in (("acme", 1, "acme"), ("globex", 2, "globex"),
                               ("msp", 3, None)):
            ind, own[who] = values(who, n)
            for typ, v in ind:
                add(admin, tenant, typ, v)
        check_isolation(srv, admin, own)
        blobs(srv, t_acme)
        check_3cx(srv, admin)
        blob_3cx(srv, admin)
        conditional(srv, admin, t_acme)
        fid, path = liveness(srv, t_acme)
        wrong_tenant(srv, admin, t_acme, t_globex)
        web_pages(srv, t_acme)
        # audited, and the secret is in no audit entry and no log line
        au = admin.request("GET", "/api/v1/audit?action=feed.&limit=500")
        check(au.status == 200, f"audit: {au}")
        acts = {e["action"] for e in au.json["items"]}
        check({"feed.create", "feed.update", "feed.delete"} <= acts,
              f"feed changes audited: {acts}")
        check(b"rpf_" not in au.body, "a feed secret in the audit log")
        check("rpf_" not in srv.drain(), "a feed secret in the log")
        # the records of the last answers are written at a clean stop
        fetch(srv, path, 200)
        n_before = len(t_acme.request(
            "GET", f"/api/v1/feeds/{fid}/fetches").json["items"])
        fetch(srv, path, 200)
        check(srv.stop() == 0, "clean stop")
        srv.start()
        c = srv.client()
        check(c.login("tech-acme", t_acme.password).status == 200,
              "login after the restart")
        fx = c.request("GET", f"/api/v1/feeds/{fid}/fetches").json
        check(len(fx["items"]) == n_before + 1,
              f"a record lost at shutdown: {fx}")
    except BaseException:
        print(srv.drain()[-4000:], file=sys.stderr)
        raise
    finally:
        srv.cleanup()
    print("feeds: ok")


if __name__ == "__main__":
    main()
