#!/usr/bin/env python3
"""`rampart indicator` and `rampart indicator-source` against a real
rampartd: a source with its defaults, an indicator added (normalised,
following the source's mode), listed as a table and as JSON, edited,
shown and removed; the Sophos 3CX list imported with its counts; a STIX
bundle with a pattern Rampart cannot express refused (exit 1) with the
pattern shown; bad usage and an unreadable file (exit 2) before anything
is sent; a technician of another tenant refused."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Cli, Server, check  # noqa: E402

SHARED = os.environ["RAMPART_SHARED_DATA"]
SOPHOS = os.path.join(SHARED, "3cx", "sophos-3CX-IoCs-2023-03.csv")
BAD_STIX = {"type": "bundle",
            "id": "bundle--1b4c1d5e-4a8d-4d3c-9c43-3a4c1b7a0009",
            "objects": [{
                "type": "indicator", "spec_version": "2.1",
                "id": "indicator--0b4c1d5e-4a8d-4d3c-9c43-3a4c1b7a0009",
                "created": "2023-03-30T00:00:00Z",
                "modified": "2023-03-30T00:00:00Z", "pattern_type": "stix",
                "valid_from": "2023-03-30T00:00:00Z",
                "pattern": "[process:name MATCHES '^evil']"}]}


def ok(r, what):
    check(r.returncode == 0,
          f"{what}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def token(srv, c, name):
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
    toks = {"admin": token(srv, a, "cli")}
    for name, ten in (("tech-acme", "acme"), ("tech-globex", "globex")):
        r = a.request("POST", "/api/v1/users", body={
            "name": name, "role": "technician", "tenants": [ten],
            "totp": False})
        check(r.status == 201, f"user {name}: {r}")
        c = srv.client()
        check(c.login(name, r.json["password"]).status == 200, "login")
        toks[name] = token(srv, c, "cli")
    return toks


def main():
    srv = Server().start()
    cli = None
    tmp = tempfile.mkdtemp(prefix="rampart-ind-")
    try:
        toks = setup(srv)
        cli = Cli(srv)
        tech = toks["tech-acme"]

        r = ok(cli.run("indicator-source", "add", "vendor", "--kind",
                       "manual", "--tenant", "acme", "--mode", "inform",
                       "--confidence", "70", "--json", token=tech),
               "source add")
        src = json.loads(r.stdout)
        check(src["mode"] == "inform" and src["confidence"] == 70
              and src["tenant"] == "acme", f"source: {src}")

        r = ok(cli.run("indicator", "add", "domain", "Evil[.]Example.COM",
                       "--tenant", "acme", "--source", "vendor", "--tag",
                       "b", "--tag", "a", "--json", token=tech), "add")
        ind = json.loads(r.stdout)
        check(ind["value"] == "evil.example.com"
              and ind["mode_effective"] == "inform"
              and ind["confidence"] == 70 and ind["tags"] == ["a", "b"],
              f"added: {ind}")
        iid = str(ind["id"])

        r = ok(cli.run("indicator", "list", "--tenant", "acme", token=tech),
               "list")
        check("evil.example.com" in r.stdout and "inform" in r.stdout
              and r.stdout.startswith("ID"), f"table: {r.stdout}")
        r = ok(cli.run("indicator", "list", "--source", "vendor", "--json",
                       token=tech), "list --json")
        check([i["id"] for i in json.loads(r.stdout)] == [ind["id"]],
              f"list json: {r.stdout}")

        r = ok(cli.run("indicator", "edit", iid, "--mode", "block",
                       "--tlp", "red", "--expires", "2030-01-01T00:00:00Z",
                       token=tech), "edit")
        check("tlp:" in r.stdout and "red" in r.stdout
              and "2030-01-01T00:00:00Z" in r.stdout, f"edit: {r.stdout}")
        r = ok(cli.run("indicator", "edit", iid, "--mode", "source",
                       "--expires", "never", "--json", token=tech),
               "edit back")
        e = json.loads(r.stdout)
        check(e["mode"] is None and e["mode_effective"] == "inform"
              and e["expires"] is None, f"edit back: {e}")

        r = ok(cli.run("indicator", "import", SOPHOS, "--source", "3cx",
                       "--format", "csv", "--tenant", "acme", token=tech),
               "import")
        check("30 new" in r.stdout and "0 invalid" in r.stdout,
              f"import: {r.stdout}")
        r = ok(cli.run("indicator", "import", SOPHOS, "--source", "3cx",
                       "--format", "csv", "--tenant", "acme", "--json",
                       token=tech), "import again")
        check(json.loads(r.stdout)["counts"]["new"] == 0, "import again")

        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            json.dump(BAD_STIX, f)
        r = cli.run("indicator", "import", bad, "--source", "stix",
                    "--format", "stix", "--tenant", "acme", token=tech)
        check(r.returncode == 1 and "MATCHES" in r.stdout + r.stderr,
              f"bad stix: {r.returncode}\n{r.stdout}\n{r.stderr}")

        r = cli.run("indicator", "import", os.path.join(tmp, "missing"),
                    "--source", "x", "--format", "list", token=tech)
        check(r.returncode == 2, f"missing file: {r.returncode}")
        r = cli.run("indicator", "import", SOPHOS, "--format", "csv",
                    token=tech)
        check(r.returncode == 2, f"no --source: {r.returncode}")
        r = cli.run("indicator", "show", iid, "--tlp", "red", token=tech)
        check(r.returncode == 2, f"--tlp on show: {r.returncode}")

        # another tenant's technician
        r = cli.run("indicator", "show", iid, token=toks["tech-globex"])
        check(r.returncode == 1 and "evil" not in r.stdout,
              f"globex shows acme's: {r.returncode} {r.stdout}")
        r = cli.run("indicator", "rm", iid, token=toks["tech-globex"])
        check(r.returncode == 1, f"globex removes acme's: {r.returncode}")

        r = ok(cli.run("indicator", "show", iid, token=tech), "show")
        check(r.stdout.startswith("domain evil.example.com"), r.stdout)
        r = ok(cli.run("indicator", "rm", iid, token=tech), "rm")
        check("deleted" in r.stdout, r.stdout)
        r = cli.run("indicator", "show", iid, token=tech)
        check(r.returncode == 1, f"show removed: {r.returncode}")

        r = ok(cli.run("indicator-source", "list", "--json", token=tech),
               "source list")
        names = sorted(s["name"] for s in json.loads(r.stdout))
        check(names == ["3cx", "vendor"], f"sources: {names}")
        r = ok(cli.run("indicator-source", "edit", str(src["id"]),
                       "--disable", "--tlp", "green", token=tech),
               "source edit")
        check("green" in r.stdout and "enabled:" in r.stdout, r.stdout)
        r = ok(cli.run("indicator-source", "rm", str(src["id"]),
                       token=tech), "source rm")
        r = cli.run("indicator-source", "add", "x", "--kind", "manual",
                    token=tech)
        check(r.returncode == 1, f"MSP-wide source by a technician: {r}")
        ok(cli.run("indicator-source", "add", "x", "--kind", "manual",
                   token=toks["admin"]), "MSP-wide source by msp-admin")
        print("indicators_cli: ok")
    finally:
        if cli is not None:
            cli.cleanup()
        srv.cleanup()


if __name__ == "__main__":
    main()
