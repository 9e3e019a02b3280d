#!/usr/bin/env python3
"""`make demo` (scripts/demo.py, docs/demo.md), run non-interactively in
a directory of its own and judged from what it left there, not from its
output: it exits 0; the two planted demo files are gone from the
Windows tree and sit in that agent's quarantine store with their
SHA-256 (restored from it, they are byte-identical to the fixtures); the
Mac and the clean Linux server have nothing quarantined; and rampartd,
started again on the demo's state directory, has the Mac affected in
its findings, every policy job done on every host with nothing
quarantined on srv-db-01, and an intact audit chain.  Also: the hashes
in demo/3cx-demo-advisory.json are exactly those of the planted files,
so the advisory and the fixtures cannot drift apart."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, audit_verify_cli, check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(
    os.environ["RAMPARTD_BIN"])))
AGENT = os.environ["RAMPART_AGENT"]
ADVISORY = os.path.join(ROOT, "demo", "3cx-demo-advisory.json")
PLANTED = "Users/anna/AppData/Local/Programs/3CXDesktopApp/app"
FIXTURE = os.path.join(ROOT, "demo", "hosts", "ws-acct-01", PLANTED)
FILES = ("ffmpeg.dll", "d3dcompiler_47.dll")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def advisory_matches_fixtures():
    with open(ADVISORY) as f:
        adv = json.load(f)
    hashes = {i["value"] for i in adv["indicators"] if i["type"] == "sha256"}
    planted = {sha(os.path.join(FIXTURE, n)) for n in FILES}
    check(hashes == planted, f"advisory hashes {hashes} != planted "
          f"files {planted}")
    for n in FILES:
        with open(os.path.join(FIXTURE, n), "rb") as f:
            check(b"NOT malware" in f.read(), f"{n} is not marked")
    check(any(i["type"] == "domain" for i in adv["indicators"]),
          "no C2 domains in the demo advisory")
    return planted


def store(work, host):
    path = os.path.join(work, "agents", host, "quarantine")
    if not os.path.exists(path):
        return []
    r = subprocess.run([AGENT, "quarantine", "--store", path, "list",
                        "--json"], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, f"quarantine list of {host}: {r.stderr}")
    return json.loads(r.stdout)


def quarantined(work, planted):
    root = os.path.join(work, "agents", "ws-acct-01", "root", PLANTED)
    for n in FILES:
        check(not os.path.exists(os.path.join(root, n)),
              f"{n} is still in the Windows tree")
    got = store(work, "ws-acct-01")
    check({e["sha256"] for e in got} == planted and len(got) == 2,
          f"the store of ws-acct-01: {got}")
    for e in got:
        check(e["path"].startswith(root + "/"), f"entry path: {e}")
    for host in ("mac-ceo-01", "srv-db-01"):
        check(store(work, host) == [], f"{host} has something quarantined")
    # Back out of the store: the very bytes of the fixtures.
    store_dir = os.path.join(work, "agents", "ws-acct-01", "quarantine")
    for e in got:
        r = subprocess.run([AGENT, "quarantine", "--store", store_dir,
                            "restore", e["id"]], capture_output=True,
                           text=True, timeout=60)
        check(r.returncode == 0, f"restore {e['id']}: {r.stderr}")
    for n in FILES:
        with open(os.path.join(root, n), "rb") as a, \
                open(os.path.join(FIXTURE, n), "rb") as b:
            check(a.read() == b.read(), f"{n} restored differs")


def server_side(work):
    with open(os.path.join(work, "admin.token")) as f:
        token = f.readline().strip()
    srv = Server(state_dir=os.path.join(work, "server"))
    try:
        srv.start()
        c = srv.client()
        c.token = token
        r = c.request("GET", "/api/v1/findings")
        check(r.status == 200, f"findings: {r}")
        hosts = {(i["host"]["hostname"], i["verdict"])
                 for i in r.json["items"]}
        check(hosts == {("mac-ceo-01", "affected")}, f"findings: {hosts}")
        r = c.request("GET", "/api/v1/agents")
        check(r.status == 200, f"agents: {r}")
        names = {a["id"]: a["hostname"] for a in r.json["items"]}
        check(sorted(names.values()) ==
              ["mac-ceo-01", "srv-db-01", "ws-acct-01"], f"agents: {names}")
        seen = {}
        for t in ("acme", "globex"):
            r = c.request("GET", f"/api/v1/jobs?tenant={t}")
            check(r.status == 200 and len(r.json["items"]) == 1,
                  f"jobs of {t}: {r}")
            j = r.json["items"][0]
            check(j["type"] == "sweep" and j["args"]["quarantine"] and
                  j["created_by"].startswith("policy"), f"job: {j}")
            r = c.request("GET", f"/api/v1/jobs/{j['id']}/hosts")
            check(r.status == 200, f"hosts of {j['id']}: {r}")
            for h in r.json["items"]:
                check(h["state"] == "done", f"job host: {h}")
                name = names[h["agent"]]
                rep = h["results"][0]
                # A sweep report of the host's own tree, read through.
                check(rep["counters"]["files_seen"] > 0 and
                      rep["counters"]["hits"] == len(rep["hits"]),
                      f"{name}'s sweep: {rep['counters']}")
                seen[name] = rep.get("quarantine") or []
        check(len(seen["ws-acct-01"]) == 2 and seen["srv-db-01"] == [] and
              seen["mac-ceo-01"] == [], f"quarantined per host: {seen}")
        out, rc = audit_verify_cli(srv, token)
        check(rc == 0 and "chain intact" in out, f"audit verify: {out}")
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        srv.cleanup()


def main():
    planted = advisory_matches_fixtures()
    base = tempfile.mkdtemp(prefix="rampart-demo-test-")
    os.chmod(base, 0o755)  # rampartd's http role must reach the demo's db/
    work = os.path.join(base, "demo")
    try:
        r = subprocess.run([sys.executable,
                            os.path.join(ROOT, "scripts", "demo.py"), BUILD,
                            "--dir", work], capture_output=True, text=True,
                           timeout=600, cwd=ROOT)
        check(r.returncode == 0, f"demo: exit {r.returncode}\n"
              f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
        left = subprocess.run(["pgrep", "-f", work], capture_output=True)
        check(left.returncode == 1, f"left running: {left.stdout}")
        quarantined(work, planted)
        server_side(work)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("demo: ok")


if __name__ == "__main__":
    main()
