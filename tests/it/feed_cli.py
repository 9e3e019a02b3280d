#!/usr/bin/env python3
"""rampart feed against a real rampartd (docs/cli.md, docs/feeds.md), on
SQLite, and on PostgreSQL when RAMPART_TEST_DB is set.  The CLI is given
API tokens made through the API.  Checked against the server's own
answers and the feed URLs themselves:

- add (--tenant and --msp) prints the URL once, and the URL serves the
  tenant's indicators; list, list --tenant SLUG|msp and --json agree with
  GET /api/v1/feeds.
- status: never, fresh after a fetch (the fetching address), stale with
  the count after an indicator is added; fetches lists the fetch.
- report names github.com and co.uk with the allowlist guard's reason.
- edit --disable makes the URL 404, --enable brings it back,
  --max-entries and --sinkhole4 A|none change the feed; rotate gives a
  new URL and the old one 404s; rm deletes the feed and its URL.
- A technician of another tenant sees none of it (list, status, rm).
- Bad usage exits 2 without a request, a refusal by the server 1."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Cli, Server, check  # noqa: E402


def ok(r, what):
    check(r.returncode == 0, f"{what}: exit {r.returncode}\n{r.stdout}"
          f"\n{r.stderr}")
    return r


class Feed:
    """The CLI with one API token."""

    def __init__(self, cli, token):
        self.cli, self.token = cli, token

    def run(self, *args):
        return self.cli.run("feed", *args, token=self.token)

    def ok(self, *args):
        return ok(self.run(*args), "feed " + " ".join(args))

    def json(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)


def token(client, name):
    r = client.request("POST", "/api/v1/tokens", body={"name": name})
    check(r.status == 201, f"token {name}: {r}")
    return r.json["secret"]


def path_of(url):
    check("/feeds/v1/rpf_" in url, f"feed URL: {url}")
    return url[url.index("/feeds/v1/"):]


def fetch(srv, path, status):
    r = srv.client().request("GET", path)
    check(r.status == status, f"GET {path[:24]}...: {r.status}, want "
          f"{status}")
    return r.body.decode()


def setup(srv):
    """Tenants acme and globex, acme's indicators, the admin's client."""
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        r = a.request("POST", "/api/v1/tenants",
                      body={"slug": slug, "name": slug.title()})
        check(r.status == 201, f"tenant {slug}: {r}")
    items = [{"tenant": "acme", "type": t, "value": v} for t, v in (
        ("domain", "acmeevil-c2.com"), ("domain", "github.com"),
        ("domain", "co.uk"), ("ip", "185.100.87.11"),
        ("url", "https://raw.githubusercontent.com/IconStorages/images/"
                "main/"))]
    r = a.request("POST", "/api/v1/indicators", body={"items": items})
    check(r.status in (200, 201), f"indicators: {r}")
    return a


def check_add_list(srv, a, f):
    """add prints the URL once; list agrees with the API."""
    d = f.json("add", "--tenant", "acme", "--name", "acme resolver",
               "--format", "unbound")
    check(d["tenant"] == "acme" and d["format"] == "unbound" and
          d["name"] == "acme resolver", f"add --json: {d}")
    fid, path = d["id"], path_of(d["url"])
    check(f.ok("status", str(fid)).stdout == "never fetched\n",
          "status before a fetch")
    check(f.ok("fetches", str(fid)).stdout == "never fetched\n",
          "fetches before a fetch")
    body = fetch(srv, path, 200)
    check("acmeevil-c2.com" in body and "github.com" not in body,
          f"the acme feed:\n{body[:800]}")
    r = f.ok("add", "--tenant", "acme", "--name", "acme firewall",
             "--format", "nft", "--max-entries", "0")
    check("shown once" in r.stdout and "/feeds/v1/rpf_" in r.stdout,
          f"add without --json shows no URL:\n{r.stdout}")
    nft_path = path_of(r.stdout.split("url:", 1)[1].split()[0])
    check("185.100.87.11" in fetch(srv, nft_path, 200), "the nft feed")
    m = f.json("add", "--msp", "--name", "msp proxy", "--format",
               "squid-url")
    check(m["tenant"] is None, f"--msp: {m}")
    api = a.request("GET", "/api/v1/feeds").json["items"]
    lst = f.json("list")
    check(sorted(x["id"] for x in lst) == sorted(x["id"] for x in api) and
          len(api) == 3 and all("url" not in x for x in lst),
          f"list --json: {lst} vs {api}")
    text = f.ok("list").stdout
    for x in api:
        check(x["name"] in text, f"list: {x['name']} missing:\n{text}")
    check("(MSP-wide)" in text and "LIVE" in text, f"list:\n{text}")
    check({x["id"] for x in f.json("list", "--tenant", "acme")} ==
          {x["id"] for x in api if x["tenant"] == "acme"}, "--tenant acme")
    check([x["id"] for x in f.json("list", "--tenant", "msp")] ==
          [m["id"]], "--tenant msp")
    check(len(f.json("list", "--limit", "1")) == 1, "--limit 1")
    return fid, path


def check_status(srv, a, f, fid, path):
    """never, fresh after a fetch, stale after a change; fetches."""
    fetch(srv, path, 200)
    out = f.ok("status", str(fid)).stdout
    check(out.startswith("fresh: fetched ") and "by 127.0.0.1 " in out and
          "status 200" in out and "includes everything up to " in out,
          f"status after a fetch:\n{out}")
    r = a.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "domain", "value": "acmeevil-two.com"})
    check(r.status in (200, 201), f"one more indicator: {r}")
    out = f.ok("status", str(fid)).stdout
    check("stale: 1 indicator changes not fetched yet" in out,
          f"status after a change:\n{out}")
    st = f.json("status", str(fid))
    api = a.request("GET", f"/api/v1/feeds/{fid}/status").json
    check(st == api and st["state"] == "stale" and
          st["changes_since"] == 1, f"status --json: {st} vs {api}")
    fe = f.json("fetches", str(fid))
    check(len(fe["items"]) == 2 and fe["items"][0]["status"] == 200 and
          fe["items"][0]["address"] == "127.0.0.1", f"fetches: {fe}")
    out = f.ok("fetches", str(fid)).stdout
    check("127.0.0.1" in out and "INCLUDES-UP-TO" in out,
          f"fetches table:\n{out}")


def check_report(a, f, fid):
    rep = f.json("report", str(fid))
    api = a.request("GET", f"/api/v1/feeds/{fid}/report").json
    check(rep == api, f"report --json: {rep} vs {api}")
    why = {x["value"]: x["reason"] for x in rep["refusals"]}
    check(why.get("co.uk") == "public-suffix" and
          why.get("github.com") == "allowlisted", f"refusals: {why}")
    out = f.ok("report", str(fid)).stdout
    for want in ("co.uk", "public-suffix", "github.com", "allowlisted",
                 "refused by the allowlist guard"):
        check(want in out, f"report: {want} missing:\n{out}")


def check_edit(srv, f, fid, path):
    """edit, rotate, rm; each checked through the feed's URL."""
    d = f.json("edit", str(fid), "--disable")
    check(d["enabled"] is False, f"--disable: {d}")
    fetch(srv, path, 404)
    d = f.json("edit", str(fid), "--enable", "--max-entries", "1",
               "--sinkhole4", "192.0.2.1")
    check(d["enabled"] is True and d["limit"] == 1 and
          d["sinkhole4"] == "192.0.2.1", f"--enable: {d}")
    body = fetch(srv, path, 200)
    check(body.count("local-data:") + body.count("local-zone:") >= 1 and
          "192.0.2.1" in body, f"limit 1, sinkhole:\n{body[:600]}")
    d = f.json("edit", str(fid), "--sinkhole4", "none", "--max-entries",
               "0")
    check(d["sinkhole4"] is None and d["max_entries"] == 0,
          f"--sinkhole4 none: {d}")
    out = f.ok("rotate", str(fid)).stdout
    check("shown once" in out, f"rotate:\n{out}")
    new = path_of(out.split("url:", 1)[1].split()[0])
    check(new != path, "rotate: the same URL")
    fetch(srv, path, 404)
    fetch(srv, new, 200)
    out = f.ok("rm", str(fid)).stdout
    check(f"feed {fid} deleted" in out, f"rm:\n{out}")
    fetch(srv, new, 404)
    r = f.run("status", str(fid))
    check(r.returncode == 1 and r.stderr, f"status of a deleted feed: "
          f"{r.returncode} {r.stderr}")


def check_other_tenant(srv, a, cli, fids):
    r = a.request("POST", "/api/v1/users", body={
        "name": "tech-globex", "role": "technician", "tenants": ["globex"],
        "totp": False})
    check(r.status == 201, f"user tech-globex: {r}")
    c = srv.client()
    check(c.login("tech-globex", r.json["password"]).status == 200,
          "login tech-globex")
    g = Feed(cli, token(c, "globex-cli"))
    check(g.json("list") == [], "globex sees feeds")
    for fid in fids:
        for sub in ("status", "report", "rm"):
            r = g.run(sub, str(fid))
            check(r.returncode == 1, f"globex {sub} {fid}: {r.returncode}")
    r = g.run("add", "--tenant", "acme", "--name", "x", "--format", "nft")
    check(r.returncode == 1, f"globex adds to acme: {r.returncode}")


def check_usage(f):
    r = f.run("--help")
    check(r.returncode == 0, "feed --help")
    for sub in ("list", "add", "edit", "rm", "rotate", "status", "fetches",
                "report", "--msp", "--max-entries", "--sinkhole4"):
        check(sub in r.stdout, f"--help lacks {sub}")
    for args in (["add", "--name", "x", "--format", "nft"],
                 ["add", "--tenant", "acme", "--msp", "--name", "x",
                  "--format", "nft"],
                 ["add", "--tenant", "acme", "--format", "nft"],
                 ["edit", "1"], ["edit", "1", "--enable", "--disable"],
                 ["status"], ["rm", "1", "2"], ["list", "1"],
                 ["status", "1", "--limit", "3"],
                 ["edit", "1", "--max-entries", "-3"], ["frobnicate"]):
        r = f.run(*args)
        check(r.returncode == 2 and not r.stdout,
              f"{args}: exit {r.returncode}, want 2 and no output")
    r = f.run("add", "--tenant", "acme", "--name", "x", "--format", "nope")
    check(r.returncode == 1 and "format" in r.stderr,
          f"unknown format: {r.returncode} {r.stderr}")
    r = f.run("status", "999999")
    check(r.returncode == 1, f"status 999999: {r.returncode}")


def main():
    srv = Server()
    cli = None
    try:
        srv.start()
        a = setup(srv)
        cli = Cli(srv)
        f = Feed(cli, token(a, "admin-cli"))
        check_usage(f)
        fid, path = check_add_list(srv, a, f)
        check_status(srv, a, f, fid, path)
        check_report(a, f, fid)
        others = [x["id"] for x in f.json("list") if x["id"] != fid]
        check_other_tenant(srv, a, cli, [fid] + others)
        check_edit(srv, f, fid, path)
    finally:
        if cli is not None:
            cli.cleanup()
        srv.cleanup()
    print("feed_cli: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
