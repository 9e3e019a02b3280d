#!/usr/bin/env python3
"""MISP warninglists into the server's allowlist (docs/api.md,
"Importing a warninglist") through a real rampartd: the real lists of
tests/data/warninglists import with their counts and land as allowlist
entries named by the list; importing a changed list replaces that list's
entries and reports each value left out at its JSON pointer; substring
lists are answered as not applicable and change nothing; a document
that is no warninglist is refused with its pointer; an import over the
document cap is refused from its headers; MSP-wide lists are an
msp-admin's, another tenant's technician and a viewer are refused; each
import is one audit entry with its counts; and `rampart allowlist`
lists, adds, removes and imports the same way."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Cli, Server, check  # noqa: E402

WL = os.path.join(os.environ["RAMPART_TEST_DATA"], "warninglists")
CAPTIVE = "Captive Portal Detection Hostnames"


def load(name):
    with open(os.path.join(WL, name), "rb") as f:
        return f.read()


def imp(c, tenant, data):
    path = ("/api/v1/allowlist/import" if tenant is None
            else f"/api/v1/tenants/{tenant}/allowlist/import")
    return c.request("POST", path, raw=data, ctype="application/json")


def entries(c, tenant):
    path = ("/api/v1/allowlist" if tenant is None
            else f"/api/v1/tenants/{tenant}/allowlist")
    out, after = [], ""
    while True:
        r = c.request("GET", f"{path}?limit=500{after}")
        check(r.status == 200, f"list {path}: {r}")
        out += r.json["items"]
        if not r.json.get("next"):
            return out
        after = "&after=" + str(r.json["next"])


def audit(admin, action):
    r = admin.request("GET", f"/api/v1/audit?action={action}&limit=500")
    check(r.status == 200, f"audit {action}: {r}")
    return r.json["items"]


def token(c, name):
    r = c.request("POST", "/api/v1/tokens", body={"name": name})
    check(r.status == 201, f"token {name}: {r}")
    return r.json["secret"]


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": slug, "name": slug}).status == 201,
              f"tenant {slug}")
    who, toks = {}, {"admin": token(a, "cli")}
    for name, role, ten in (("tech-acme", "technician", "acme"),
                            ("tech-globex", "technician", "globex"),
                            ("view-acme", "viewer", "acme")):
        r = a.request("POST", "/api/v1/users", body={
            "name": name, "role": role, "tenants": [ten], "totp": False})
        check(r.status == 201, f"user {name}: {r}")
        c = srv.client()
        check(c.login(name, r.json["password"]).status == 200,
              f"login {name}")
        who[name] = c
        toks[name] = token(c, "cli")
    return a, who, toks


def of_list(items, name):
    return sorted(e["value"] for e in items if e["list"] == name)


def api(admin, who):
    ta, tg, va = who["tech-acme"], who["tech-globex"], who["view-acme"]
    captive = json.loads(load("captive-portals.json"))
    r = imp(ta, "acme", load("captive-portals.json"))
    check(r.status == 200 and r.json["list"] == CAPTIVE
          and r.json["type"] == "string" and r.json["tenant"] == "acme"
          and r.json["counts"] == {"read": 21, "added": 21, "removed": 0,
                                   "left_out": 0}, f"captive: {r}")
    got = entries(ta, "acme")
    check(of_list(got, CAPTIVE) == sorted(captive["list"])
          and all(e["kind"] == "domain" and e["tenant"] == "acme"
                  for e in got), f"captive entries: {got}")

    # A changed list replaces the old one: two gone, one new, one bad
    # value left out at its pointer, one given twice stored once.
    changed = dict(captive)
    changed["list"] = captive["list"][2:] + [
        "new.example.org", "not a host!", "new.example.org"]
    r = imp(ta, "acme", json.dumps(changed).encode())
    check(r.status == 200 and r.json["counts"] == {
        "read": 21, "added": 20, "removed": 21, "left_out": 1},
        f"changed: {r}")
    bad = [d for d in r.json["diagnostics"] if d["level"] == "warning"]
    check(len(bad) == 1 and bad[0]["pointer"] == "/list/20"
          and "not a host!" in bad[0]["message"], f"left out: {bad}")
    want = sorted(captive["list"][2:] + ["new.example.org"])
    check(of_list(entries(ta, "acme"), CAPTIVE) == want,
          "replaced entries")

    # Not applicable, not a warninglist: nothing changes.
    r = imp(ta, "acme", load("microsoft-attack-simulator.json"))
    check(r.status == 422 and r.json["error"]["code"] == "not_applicable"
          and "substring" in r.json["error"]["message"], f"substring: {r}")
    r = imp(ta, "acme", load("common-contact-emails.json"))
    check(r.status == 422 and "regex" in r.json["error"]["message"],
          f"regex: {r}")
    r = imp(ta, "acme", b'{"name": "x", "list": []}')
    check(r.status == 422 and r.json["error"]["code"] == "warninglist_invalid"
          and "\"type\" is missing"
          in r.json["error"]["details"][0]["message"], f"no type: {r}")
    r = imp(ta, "acme", b"[1,")
    check(r.status == 422, f"not JSON: {r}")
    check(len(entries(ta, "acme")) == 20, "refused imports changed rows")

    # Whose lists: MSP-wide is an msp-admin's; tenants read it.
    check(imp(ta, None, load("rfc1918.json")).status == 403,
          "technician MSP-wide import")
    check(imp(tg, "acme", load("rfc1918.json")).status == 404,
          "globex imports into acme")
    check(imp(va, "acme", load("rfc1918.json")).status == 403,
          "viewer imports")
    r = imp(admin, None, load("rfc1918.json"))
    check(r.status == 200 and r.json["tenant"] is None
          and r.json["counts"]["added"] == 3, f"MSP-wide rfc1918: {r}")
    nets = [e for e in entries(ta, "acme") if e["kind"] == "cidr"]
    check(sorted(e["value"] for e in nets)
          == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
          and all(e["tenant"] is None for e in nets), f"acme sees {nets}")
    check(not any(e["list"] == CAPTIVE for e in entries(tg, "globex")),
          "globex sees acme's list")

    e = audit(admin, "allowlist.import")
    check(len(e) == 3, f"allowlist.import entries: {e}")
    ds = [json.loads(x["detail"]) if isinstance(x["detail"], str)
          else x["detail"] for x in e]
    check(any(d["removed"] == 21 and d["added"] == 20
              and d["left_out"] == 1 for d in ds), f"audited counts: {ds}")


def body_cap(srv, tech):
    """Over the document cap (32 MiB): refused from the headers."""
    conn = srv.client()._conn()
    try:
        conn.putrequest("POST", "/api/v1/tenants/acme/allowlist/import")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(33 * 1024 * 1024))
        conn.putheader("Cookie", f"rampart_session={tech.cookie}")
        conn.endheaders()
        st = conn.getresponse().status
    finally:
        conn.close()
    check(st == 413, f"a 33 MiB warninglist: {st}")


def ok(r, what):
    check(r.returncode == 0,
          f"{what}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def cli_run(srv, toks, tmp):
    cli = Cli(srv)
    tech = toks["tech-acme"]
    try:
        path = os.path.join(WL, "umbrella-blockpage-hostname.json")
        r = ok(cli.run("allowlist", "import", path, "--tenant", "acme",
                       token=tech), "import")
        check("5 read, 5 added, 0 removed, 0 left out" in r.stdout,
              f"import: {r.stdout}")
        r = ok(cli.run("allowlist", "import", path, "--tenant", "acme",
                       "--json", token=tech), "import again")
        n = json.loads(r.stdout)["counts"]
        check(n["added"] == 5 and n["removed"] == 5, f"again: {n}")
        r = cli.run("allowlist", "import",
                    os.path.join(WL, "microsoft-attack-simulator.json"),
                    "--tenant", "acme", token=tech)
        check(r.returncode == 1 and "not applied" in r.stdout + r.stderr,
              f"substring: {r.returncode} {r.stdout} {r.stderr}")
        r = ok(cli.run("allowlist", "add", "domain", "Shop.Acme.Example",
                       "--tenant", "acme", "--reason", "our shop",
                       "--json", token=tech), "add")
        added = json.loads(r.stdout)
        check(added["value"] == "shop.acme.example", f"add: {added}")
        r = ok(cli.run("allowlist", "list", "--tenant", "acme",
                       token=tech), "list")
        check(r.stdout.startswith("ID") and "shop.acme.example" in r.stdout
              and "hit-malware.opendns.com" in r.stdout, r.stdout)
        r = ok(cli.run("allowlist", "list", "--tenant", "acme", "--json",
                       token=tech), "list --json")
        check(any(e["value"] == "shop.acme.example"
                  for e in json.loads(r.stdout)), r.stdout)
        r = ok(cli.run("allowlist", "list", "--msp", "--json", token=tech),
               "list --msp")
        check(all(e["tenant"] is None for e in json.loads(r.stdout)),
              r.stdout)
        # refused: another tenant's technician, MSP-wide by a technician,
        # bad usage before anything is sent
        r = cli.run("allowlist", "rm", str(added["id"]),
                    token=toks["tech-globex"])
        check(r.returncode == 1, f"globex rm: {r.returncode}")
        r = cli.run("allowlist", "import", path, "--tenant", "acme",
                    token=toks["tech-globex"])
        check(r.returncode == 1, f"globex import: {r.returncode}")
        r = cli.run("allowlist", "import", path, "--msp", token=tech)
        check(r.returncode == 1, f"technician --msp: {r.returncode}")
        r = cli.run("allowlist", "import", path, token=tech)
        check(r.returncode == 2, f"no --tenant/--msp: {r.returncode}")
        r = cli.run("allowlist", "import", os.path.join(tmp, "missing"),
                    "--tenant", "acme", token=tech)
        check(r.returncode == 2, f"missing file: {r.returncode}")
        r = ok(cli.run("allowlist", "rm", str(added["id"]), token=tech),
               "rm")
        check("deleted" in r.stdout, r.stdout)
        ok(cli.run("allowlist", "import", path, "--msp",
                   token=toks["admin"]), "MSP-wide import by msp-admin")
    finally:
        cli.cleanup()


def main():
    srv = Server().start()
    tmp = tempfile.mkdtemp(prefix="rampart-allow-")
    try:
        admin, who, toks = setup(srv)
        api(admin, who)
        body_cap(srv, who["tech-acme"])
        cli_run(srv, toks, tmp)
        print("allowlist_import: ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
