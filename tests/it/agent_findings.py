#!/usr/bin/env python3
"""The acceptance path with real agents (docs/findings.md): a real
rampartd and real `rampart-agent run --once` processes on loopback, one
agent in each of two tenants, each reading a Mac's file system tree with
the 3CX Desktop App 18.12.416 (tests/data/apps/macroot).  The project's
3CX CSAF advisory is imported once; each host has its finding with the
reason and the remediation, each technician sees only their tenant's;
then one Mac is upgraded to 18.12.422, its agent sends a delta, and the
finding resolves, with its history.  SQLite, and PostgreSQL when
RAMPART_TEST_DB is set."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check  # noqa: E402
from agent_run import Daemon, kill_started  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
DATA = os.environ.get("RAMPART_TEST_DATA", "tests/data")
MACROOT = os.path.join(DATA, "apps", "macroot")
CSAF = os.path.join(DATA, "3cx", "3cx-csaf.json")
PLIST = os.path.join("Applications", "3CX Desktop App.app", "Contents",
                     "Info.plist")


def once(ag):
    r = subprocess.run([AGENT, "run", "--once", "--state", ag["state"],
                        "--inventory-root", ag["root"],
                        "--hostname", ag["name"]],
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, f"run --once of {ag['name']}: {r.returncode} "
          f"{r.stderr[-2000:]}")
    return r.stderr


def setup(srv, tmp):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    techs, agents = {}, {}
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": slug, "name": slug.title()}).status == 201, slug)
        r = a.request("POST", "/api/v1/users", body={
            "name": "tech-" + slug, "role": "technician",
            "tenants": [slug], "totp": False})
        check(r.status == 201, f"user: {r}")
        techs[slug] = srv.client()
        check(techs[slug].login("tech-" + slug, r.json["password"]).status
              == 200, "technician login")
        r = techs[slug].request(
            "POST", f"/api/v1/tenants/{slug}/enroll-tokens", body={})
        check(r.status == 201, f"enrolment token: {r}")
        name = "mac-" + slug
        ag = {"name": name, "state": os.path.join(tmp, name),
              "root": os.path.join(tmp, name + "-root")}
        shutil.copytree(MACROOT, ag["root"], symlinks=True)
        r = subprocess.run([AGENT, "enroll",
                            f"https://127.0.0.1:{srv.port}",
                            r.json["secret"], "--state", ag["state"],
                            "--hostname", name],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, f"enrol {name}: {r.stderr}")
        once(ag)
        agents[slug] = ag
    return a, techs, agents


def findings(c, q):
    r = c.request("GET", "/api/v1/findings?" + q)
    check(r.status == 200, f"findings {q}: {r}")
    return r.json["items"]


def main():
    tmp = tempfile.mkdtemp(prefix="rampart-agent-findings-")
    srv = Server().start()
    try:
        admin, techs, agents = setup(srv, tmp)
        r = admin.request("POST", "/api/v1/advisories",
                          raw=open(CSAF, "rb").read(),
                          ctype="application/json")
        check(r.status == 201, f"import: {r}")
        adv = r.json["id"]
        items = findings(admin, f"advisory={adv}")
        got = sorted((i["tenant"], i["host"]["hostname"]) for i in items)
        check(got == [("acme", "mac-acme"), ("globex", "mac-globex")],
              f"affected hosts across tenants: {got}")
        for i in items:
            check(i["verdict"] == "affected" and
                  i["software"]["version"] == "18.12.416" and
                  "18.12.416" in i["reason"] and i["remediation"],
                  f"reason and remediation: {i}")
        for slug in ("acme", "globex"):
            mine = findings(techs[slug], f"advisory={adv}")
            check([i["tenant"] for i in mine] == [slug],
                  f"{slug}'s technician sees {mine}")
        # The upgrade, seen by the running daemon: the bundle now says
        # 18.12.422; the agent's delta resolves the finding.
        ag = agents["acme"]
        d = Daemon(["--state", ag["state"], "--hostname", ag["name"],
                    "--inventory-root", ag["root"],
                    "--inventory-interval", "1"])
        d.wait_log(r'msg="upload accepted" seq=\d+ kind=inventory-full')
        p = os.path.join(ag["root"], PLIST)
        text = open(p).read()
        check("18.12.416" in text, "the plist names the version")
        open(p, "w").write(text.replace("18.12.416", "18.12.422"))
        d.wait_log(r'msg="upload accepted" seq=\d+ kind=inventory-delta')
        d.p.terminate()
        check(d.finish() == 0, f"SIGTERM: {d.text()[-2000:]}")
        left = findings(admin, f"advisory={adv}")
        check([i["host"]["hostname"] for i in left] == ["mac-globex"],
              f"open after the upgrade: {left}")
        done = findings(admin, f"advisory={adv}&status=resolved")
        check(len(done) == 1 and done[0]["verdict"] == "fixed" and
              done[0]["software"]["version"] == "18.12.422",
              f"resolved: {done}")
        r = admin.request("GET", f"/api/v1/findings/{done[0]['id']}")
        hist = [(h["verdict"], h["version"]) for h in r.json["history"]]
        check(hist == [("fixed", "18.12.422"), ("affected", "18.12.416")],
              f"history: {hist}")
    finally:
        kill_started()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    print("agent findings: ok")


if __name__ == "__main__":
    main()
