#!/usr/bin/env python3
"""rampart job (docs/cli.md, "Jobs") against a real rampartd and a real
enrolled rampart-agent daemon, in a network and mount namespace of its
own as tests/it/gateway_block.py sets it up (re-run under `unshare -n
-m`; without it the test fails, it never skips).  acme's indicators name
185.100.87.11 (on the namespace's loopback, with a listener) and two
domains; a dnsmasq on 127.0.0.1, the host's resolver by a bind-mounted
/etc/resolv.conf, answers one NXDOMAIN (Rampart's own dnsmasq output)
and the other with 185.100.87.12.

- `job create block-apply --host ID --from-indicators --wait` has the
  server build the blob from acme's indicators (the reserved address
  and github.com left out by the allowlist guard), and the agent loads
  it: a connection to .11 then fails while .12 still connects, and the
  output says how many addresses were applied.
- `job create block-verify --from-indicators --wait` prints a row per
  domain: blocked by nxdomain, open with the address; `show --json`
  agrees with GET /api/v1/jobs/{id}/hosts.
- `job create block-remove --wait` takes the table away.
- list, --host, --state (a job state and a host state), --json agree
  with the API.
- A tenant whose approval threshold is 0: create says the job awaits
  approval; the one who asked cannot approve it (exit 1), a second
  technician can, and the agent then runs it.
- globex's technician sees none of acme's jobs (show exits 1, list is
  empty) and cannot create one on acme's host; bad usage exits 2."""

import json
import os
import shutil
import sys
import tempfile

INNER = "RAMPART_GATEWAY_NS"

if os.environ.get(INNER) != "1":
    os.environ[INNER] = "1"
    try:
        os.execvp("unshare", ["unshare", "-n", "-m", "--propagation",
                              "private", sys.executable,
                              os.path.abspath(__file__)] + sys.argv[1:])
    except OSError as e:
        print(f"FAIL: cannot run unshare -n -m: {e}", file=sys.stderr)
        sys.exit(1)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_daemon_jobs import STARTED, Daemon  # noqa: E402
from agent_lib import make_root  # noqa: E402
from gateway_block import (Dnsmasq, Listener, connect, namespace_up,  # noqa
                           nft_table, render, run)
from jobs_flow import login_user  # noqa: E402
from server_lib import Cli, Server, check  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
BLOCKED, OTHER = "185.100.87.11", "185.100.87.12"
EVIL, OPEN = "acmeevil-c2.com", "acme-open-c2.com"


class Job:
    """The CLI's job command with one API token."""

    def __init__(self, cli, token):
        self.cli, self.token = cli, token

    def run(self, *args):
        return self.cli.run("job", *args, token=self.token)

    def ok(self, *args):
        r = self.run(*args)
        check(r.returncode == 0, f"job {' '.join(args)}: exit "
              f"{r.returncode}\n{r.stdout}\n{r.stderr}")
        return r.stdout

    def json(self, *args):
        return json.loads(self.ok(*args, "--json"))


def token(client, name):
    r = client.request("POST", "/api/v1/tokens", body={"name": name})
    check(r.status == 201, f"token {name}: {r}")
    return r.json["secret"]


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": slug, "name": slug.title()}).status == 201, slug)
    items = [{"tenant": "acme", "type": t, "value": v} for t, v in (
        ("ip", BLOCKED), ("ip", "127.0.0.9"), ("domain", EVIL),
        ("domain", OPEN), ("domain", "github.com"))]
    r = a.request("POST", "/api/v1/indicators", body={"items": items})
    check(r.status in (200, 201), f"indicators: {r}")
    u = {"admin": a,
         "tech": login_user(srv, a, "tech-acme", "technician", ["acme"]),
         "tech2": login_user(srv, a, "tech2-acme", "technician", ["acme"]),
         "globex": login_user(srv, a, "tech-globex", "technician",
                              ["globex"])}
    return u


def apply(j, api, agent_id):
    blocked, other = Listener(BLOCKED), Listener(OTHER)
    check(connect(blocked.addr) == 0 and connect(other.addr) == 0,
          "the listeners cannot be reached before any job")
    out = j.ok("create", "block-apply", "--host", agent_id,
               "--from-indicators", "--wait")
    check("blocklist of tenant acme from its indicators: 1 addresses, "
          "2 domains, 2 left out by the allowlist guard" in out and
          f"on host {agent_id}, active" in out and
          "): done" in out and "applied 1 addresses (1 IPv4, 0 IPv6) to "
          "table inet rampart_blocklist; 2 domains" in out,
          f"create block-apply:\n{out}")
    rc, text = nft_table()
    check(rc == 0 and BLOCKED in text and OTHER not in text,
          f"nft list table: {text}")
    check(connect(blocked.addr) != 0, "the blocked address connects")
    check(connect(other.addr) == 0, "the other address is blocked too")
    jid = out.split("job ", 2)[1].split(":", 1)[0]
    r = api.request("GET", f"/api/v1/jobs/{jid}")
    check(r.status == 200 and r.json["type"] == "block-apply" and
          r.json["hosts"]["done"] == 1, f"the job on the server: {r}")
    return jid, r.json["args"]["blocklist"], (blocked, other)


def verify(j, api, agent_id, work):
    resolv = os.path.join(work, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\n")
    p = run(["mount", "--bind", resolv, "/etc/resolv.conf"])
    check(p.returncode == 0, f"bind-mount resolv.conf: {p.stderr}")
    dm = Dnsmasq(work, render([], [EVIL]) + f"address=/{OPEN}/{OTHER}\n")
    out = j.ok("create", "block-verify", "--host", agent_id,
               "--from-indicators", "--wait")
    rows = {ln.split()[0]: ln.split()[1:] for ln in out.splitlines()
            if ln.strip() and ln.split()[0] in (EVIL, OPEN, "github.com")}
    check(rows.get(EVIL) == ["blocked", "nxdomain"] and
          rows.get(OPEN) == ["open", OTHER] and "github.com" not in rows and
          "1 blocked, 1 open, 0 error; 2 of 2 domains checked" in out and
          "DOMAIN" in out and "VERDICT" in out,
          f"create block-verify:\n{out}")
    jid = out.split("job ", 2)[1].split(":", 1)[0]
    d = j.json("show", jid)
    r = api.request("GET", f"/api/v1/jobs/{jid}/hosts")
    check(r.status == 200 and d["hosts"] == r.json["items"] and
          d["job"]["id"] == jid and d["job"]["type"] == "block-verify",
          f"show --json: {d} vs {r}")
    text = j.ok("show", jid)
    check(f"job {jid}: block-verify" in text and "nxdomain" in text and
          OTHER in text and "): done" in text, f"show:\n{text}")
    dm.stop()
    return jid


def remove(j, agent_id, listeners):
    out = j.ok("create", "block-remove", "--host", agent_id, "--wait")
    check("table inet rampart_blocklist: removed" in out,
          f"create block-remove:\n{out}")
    check(nft_table()[0] != 0, "the table is still there")
    check(all(connect(x.addr) == 0 for x in listeners),
          "not reachable after block-remove")
    # --json with --wait: the job and its hosts
    d = j.json("create", "block-remove", "--host", agent_id, "--wait")
    check(d["blocklists"] == {} and len(d["jobs"]) == 1 and
          d["jobs"][0]["hosts"][0]["results"][0]["outcome"] ==
          "not present", f"block-remove --json: {d}")


def lists(j, api, agent_id, ids):
    want = [x["id"] for x in api.request(
        "GET", "/api/v1/jobs?limit=100").json["items"]]
    got = [x["id"] for x in j.json("list")]
    check(got == want and set(ids) <= set(got), f"list: {got} vs {want}")
    check([x["id"] for x in j.json("list", "--host", agent_id)] == want,
          "list --host")
    check(j.json("list", "--state", "failed") == [], "--state failed")
    check([x["id"] for x in j.json("list", "--state", "done", "--limit",
                                   "2")] == want[:2], "--state --limit")
    check(len(j.json("list", "--state", "done")) == len(want) and
          len(j.json("list", "--state", "active")) == len(want),
          "--state done/active")
    text = j.ok("list")
    check(all(i in text for i in ids) and "block-verify" in text and
          "1 done" in text, f"list:\n{text}")


def approval(srv, u, j, j2, agent_id, sha):
    r = u["admin"].request("PATCH", "/api/v1/tenants/acme",
                           body={"approval_hosts": 0})
    check(r.status == 200, f"approval_hosts 0: {r}")
    out = j.ok("create", "block-verify", "--host", agent_id, "--blocklist",
               sha, "--wait")
    check("awaiting_approval: another user runs 'rampart job approve'" in
          out, f"a job that needs approval:\n{out}")
    jid = out.split("job ", 1)[1].split(":", 1)[0]
    check(j.json("list", "--state", "awaiting_approval")[0]["id"] == jid,
          "--state awaiting_approval")
    r = j.run("approve", jid)
    check(r.returncode == 1 and r.stderr, f"self-approval: {r}")
    out = j2.ok("approve", jid)
    check(f"job {jid} approved: active" in out, f"approve:\n{out}")
    d = j.json("show", jid)
    check(d["job"]["approved_by"] == "tech2-acme", f"approved: {d}")
    return jid


def other_tenant(j, jid, agent_id):
    r = j.run("show", jid)
    check(r.returncode == 1, f"globex shows acme's job: {r.stdout}")
    check(j.json("list") == [], "globex lists acme's jobs")
    r = j.run("create", "block-remove", "--host", agent_id)
    check(r.returncode == 1, f"globex creates on acme's host: {r.stdout}")
    for bad in (["create", "block-apply"], ["list", "x"],
                ["show", jid, "--wait"], ["list", "--state", "nope"],
                ["create", "sweep", "--host", "a", "--bundle", "b",
                 "--blocklist", "c"], ["frob"],
                ["create", "inventory", "--host", agent_id,
                 "--from-indicators"],
                ["create", "block-remove", "--host", agent_id, "--bundle",
                 "b"]):
        r = j.run(*bad)
        check(r.returncode == 2, f"bad usage {bad}: exit {r.returncode}")
    check("--from-indicators" in j.ok("--help"), "job --help")


def main():
    namespace_up()
    for a in (BLOCKED, OTHER):
        p = run(["ip", "addr", "add", f"{a}/32", "dev", "lo"])
        check(p.returncode == 0, f"ip addr add {a}: {p.stderr}")
    srv = Server()
    work = tempfile.mkdtemp(prefix="job-cli-")
    d = None
    try:
        srv.start()
        u = setup(srv)
        cli = Cli(srv)
        j = Job(cli, token(u["tech"], "cli"))
        r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                              body={})
        check(r.status == 201, f"token: {r}")
        state = os.path.join(work, "state")
        p = run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                 r.json["secret"], "--state", state, "--hostname", "gw"])
        check(p.returncode == 0, f"enroll: {p.stderr}")
        with open(os.path.join(state, "agent.json")) as f:
            agent_id = json.load(f)["agent_id"]
        d = Daemon(["--state", state, "--hostname", "gw", "--store",
                    os.path.join(work, "qstore"), "--inventory-root",
                    make_root(work)])
        d.wait_log(r'msg="agent started"')
        a_id, sha, listeners = apply(j, u["tech"], agent_id)
        v_id = verify(j, u["tech"], agent_id, work)
        remove(j, agent_id, listeners)
        lists(j, u["tech"], agent_id, [a_id, v_id])
        approval(srv, u, j, Job(cli, token(u["tech2"], "cli2")), agent_id,
                 sha)
        other_tenant(Job(cli, token(u["globex"], "cli3")), a_id, agent_id)
        d.p.terminate()
        d.p.wait(60)
        srv.drain()
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
                p.wait()
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("job_cli: ok")


if __name__ == "__main__":
    main()
