#!/usr/bin/env python3
"""Blocklists on a Linux gateway (docs/agent-jobs.md, "Blocklists"), in a
network and mount namespace this test creates (it re-runs itself under
`unshare -n -m`; without it the test fails, it never skips): a real
rampartd and a real enrolled rampart-agent daemon on the namespace's
loopback.  A technician stores a blocklist blob for acme (normalised,
sorted, hashed; a bad entry is refused with its JSON pointer; globex's
technician can neither store one for acme nor name acme's in a job, and
globex's agent cannot fetch it).  A block-apply job loads the blob's
address into table inet rampart_blocklist through libnftables: a TCP
connection to that address then fails (its SYN dropped) while
one to another address still succeeds; `nft list table` shows the set.
block-remove takes the table away (both connect again), and a second
block-remove says "not present".  block-verify resolves the blob's
domains through the host's resolver -- /etc/resolv.conf bind-mounted to
point at a dnsmasq on 127.0.0.1 loaded with Rampart's own dnsmasq output
-- and reports the NXDOMAIN one and the sinkholed one as blocked, the
one dnsmasq answers with 192.0.2.7 as open with that address; with the
resolver down every domain is "error", none "blocked".  With
agent.conf denying block-apply, the job is rejected and nftables left
alone; without CAP_NET_ADMIN it fails with nft's error text.  Every wait is on
an event (the server's answer, a log line), with a bound on the number
of questions."""

import errno
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

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
from agent_lib import AgentKey, make_root  # noqa: E402
from jobs_flow import Agent, login_user  # noqa: E402
from server_lib import Server, check, fail  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
RENDER = os.environ["RAMPART_BLOCKLIST_RENDER"]
TRIES = 2400  # questions to the server or a resolver, 0.1 s apart

BLOCKED, OTHER = "127.0.0.2", "127.0.0.3"
DOMAINS = ["Evil.Example.", "open.example", "sink.example"]


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=120,
                       **kw)
    return p


def namespace_up():
    p = run(["ip", "link", "set", "lo", "up"])
    check(p.returncode == 0, f"ip link set lo up: {p.stderr}")
    # the namespace is new: no table of ours in it yet
    p = run(["nft", "list", "table", "inet", "rampart_blocklist"])
    check(p.returncode != 0, "a rampart_blocklist table before any job")


class Listener:
    """A TCP listener on one address that accepts and closes."""

    def __init__(self, addr):
        self.s = socket.socket()
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((addr, 0))
        self.s.listen(16)
        self.addr = (addr, self.s.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            c.close()


def connect(where):
    """0 when a TCP connection to where is made, else its errno.  A SYN
    dropped by the output hook is sent again and again; one retry and
    the kernel says ETIMEDOUT (the outcome asserted, not a duration)."""
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
    s.settimeout(120)  # a bound only
    try:
        s.connect(where)
        return 0
    except socket.timeout:
        return errno.ETIMEDOUT
    except OSError as e:
        return e.errno
    finally:
        s.close()


def nft_table():
    p = run(["nft", "list", "table", "inet", "rampart_blocklist"])
    return p.returncode, p.stdout + p.stderr


def blob_api(srv, u):
    """Storing blobs, and who may store, name and fetch them."""
    tech, glob = u["tech"], u["globex"]
    body = {"addresses": [BLOCKED, "127.0.0.2/32", "2001:DB8::/32",
                          "10.1.2.3/8"], "domains": DOMAINS}
    r = tech.request("POST", "/api/v1/tenants/acme/blocklists", body=body)
    check(r.status == 201 and r.json["new"] and r.json["addresses"] == 3 and
          r.json["domains"] == 3 and r.json["tenant"] == "acme",
          f"store blob: {r}")
    sha = r.json["sha256"]
    canon = ('{"v":1,"addresses":["10.0.0.0/8","127.0.0.2","2001:db8::/32"],'
             '"domains":["evil.example","open.example","sink.example"],'
             '"sinkhole":["0.0.0.0","::"]}')
    check(hashlib.sha256(canon.encode()).hexdigest() == sha and
          r.json["size"] == len(canon), f"not the canonical bytes: {r}")
    r = tech.request("POST", "/api/v1/tenants/acme/blocklists", body={
        "domains": list(reversed(DOMAINS)),
        "addresses": ["2001:db8:0::/32", "10.0.0.0/8", BLOCKED]})
    check(r.status == 200 and not r.json["new"] and r.json["sha256"] == sha,
          f"the same set again: {r}")
    r = tech.request("POST", "/api/v1/tenants/acme/blocklists", body={
        "addresses": ["10.0.0.1", "not-an-ip"]})
    check(r.status == 400 and "/addresses/1" in r.json["error"]["message"],
          f"a bad address: {r}")
    r = tech.request("POST", "/api/v1/tenants/acme/blocklists", body={})
    check(r.status == 400, f"an empty blob: {r}")
    # globex's technician: acme is not in their tenants
    r = glob.request("POST", "/api/v1/tenants/acme/blocklists", body=body)
    check(r.status == 404, f"globex stored a blob for acme: {r}")
    g1 = Agent(srv, glob, "globex", "gw-globex")
    r = glob.request("POST", "/api/v1/jobs", body={
        "type": "block-apply", "args": {"blocklist": sha},
        "target": {"host": g1.id}})
    check(r.status == 404 and "blocklist" in json.dumps(r.json),
          f"globex named acme's blob: {r}")
    r = g1.key.request(srv.client(), "GET",
                       f"/api/v1/agent/blocklists/{sha}")
    check(r.status == 404, f"globex's agent fetched acme's blob: {r}")
    a1 = Agent(srv, tech, "acme", "gw-acme-py")
    r = a1.key.request(srv.client(), "GET",
                       f"/api/v1/agent/blocklists/{sha}")
    check(r.status == 200 and r.body == canon.encode() and
          r.header("ETag") == f'"{sha}"', f"acme's agent: {r}")
    r = tech.request("GET", f"/api/v1/agent/blocklists/{sha}")
    check(r.status == 401, f"a user on the agent route: {r}")
    r = tech.request("POST", "/api/v1/jobs", body={
        "type": "block-apply", "args": {"blocklist": "ab" * 32},
        "target": {"host": a1.id}})
    check(r.status == 404, f"a blob acme does not have: {r}")
    r = tech.request("POST", "/api/v1/jobs", body={
        "type": "block-remove", "args": {"blocklist": sha},
        "target": {"host": a1.id}})
    check(r.status == 400, f"block-remove with a blocklist: {r}")
    r = u["admin"].request("POST", "/api/v1/jobs", body={
        "type": "block-verify", "args": {"blocklist": sha},
        "target": {"all": True}, "dry_run": True})
    check(r.status == 400 and "one tenant" in r.json["error"]["message"],
          f"an MSP-wide blocklist job: {r}")
    return sha


class Tech:
    def __init__(self, c, daemon):
        self.c = c
        self.d = daemon

    def job(self, agent, jtype, args=None):
        body = {"type": jtype, "target": {"host": agent}}
        if args is not None:
            body["args"] = args
        r = self.c.request("POST", "/api/v1/jobs", body=body)
        check(r.status == 201 and r.json["targets"] == 1,
              f"{jtype} job: {r}")
        return self.wait(r.json["id"])

    def wait(self, job):
        """Asks the server until the job ended on the host."""
        h = None
        for _ in range(TRIES):
            r = self.c.request("GET", f"/api/v1/jobs/{job}/hosts")
            check(r.status == 200 and len(r.json["items"]) == 1,
                  f"hosts of {job}: {r}")
            h = r.json["items"][0]
            if h["state"] in ("done", "failed", "rejected"):
                return h
            if self.d.p.poll() is not None:
                break
            time.sleep(0.1)
        fail(f"job {job} stayed {h}:\n{self.d.text()}")


def apply_remove(t, agent_id, sha):
    blocked, other = Listener(BLOCKED), Listener(OTHER)
    check(connect(blocked.addr) == 0 and connect(other.addr) == 0,
          "the listeners cannot be reached before any job")
    h = t.job(agent_id, "block-apply", {"blocklist": sha})
    check(h["state"] == "done", f"block-apply: {h}")
    res = h["results"][0]
    check(res["table"] == "inet rampart_blocklist" and
          res["blocklist"] == sha and res["addresses"] == 3 and
          res["ipv4"] == 2 and res["ipv6"] == 1 and
          res["domains_not_applied"] == 3,
          f"block-apply results: {res}")
    rc, text = nft_table()
    check(rc == 0 and "set blocked4" in text and BLOCKED in text and
          "10.0.0.0/8" in text and "set blocked6" in text and
          "2001:db8::/32" in text and OTHER not in text and
          "ip daddr @blocked4 drop" in text and
          "ip6 daddr @blocked6 drop" in text,
          f"nft list table: {text}")
    e = connect(blocked.addr)
    check(e in (errno.ETIMEDOUT, errno.EPERM),
          f"connect to the blocked address: {e}")
    check(connect(other.addr) == 0, "the other address is blocked too")
    # the same job type again replaces the table: still one set element
    h = t.job(agent_id, "block-apply", {"blocklist": sha})
    check(h["state"] == "done", f"block-apply again: {h}")
    rc, text = nft_table()
    check(text.count(BLOCKED) == 1, f"after a second apply: {text}")

    h = t.job(agent_id, "block-remove")
    check(h["state"] == "done" and
          h["results"] == [{"table": "inet rampart_blocklist",
                            "outcome": "removed"}], f"block-remove: {h}")
    check(nft_table()[0] != 0, "the table is still there")
    check(connect(blocked.addr) == 0 and connect(other.addr) == 0,
          "not reachable after block-remove")
    h = t.job(agent_id, "block-remove")
    check(h["state"] == "done" and
          h["results"][0]["outcome"] == "not present",
          f"block-remove without a table: {h}")


def render(fmt_args, domains):
    p = run([RENDER, "dnsmasq"] + fmt_args,
            input="".join(f"domain {d}\n" for d in domains))
    check(p.returncode == 0, f"blocklist_render: {p.stderr}")
    return p.stdout


class Dnsmasq:
    """dnsmasq on 127.0.0.1:53 with conf; ready once it answers."""

    def __init__(self, work, conf_text):
        conf = os.path.join(work, "dnsmasq.conf")
        with open(conf, "w") as f:
            f.write(conf_text)
        self.p = subprocess.Popen(
            ["dnsmasq", "-k", "--no-resolv", "--no-hosts",
             "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
             "-C", conf, "--address=/open.example/192.0.2.7",
             "--log-facility=-", "--user=root", "--pid-file="],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        line = self.p.stderr.readline()
        check("started" in line, f"dnsmasq did not start: {line}")
        threading.Thread(target=self.p.stderr.read, daemon=True).start()
        for _ in range(TRIES):
            try:
                if socket.getaddrinfo("open.example", 80,
                                      socket.AF_INET)[0][4][0] == \
                        "192.0.2.7":
                    return
            except socket.gaierror:
                pass
            time.sleep(0.1)
        fail("dnsmasq does not answer")

    def stop(self):
        self.p.terminate()
        self.p.wait(60)


def verify(t, agent_id, sha, work):
    resolv = os.path.join(work, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\n")
    p = run(["mount", "--bind", resolv, "/etc/resolv.conf"])
    check(p.returncode == 0, f"bind-mount resolv.conf: {p.stderr}")
    # Rampart's dnsmasq output: NXDOMAIN for evil.example, the sinkhole
    # for sink.example; open.example answered with 192.0.2.7
    dm = Dnsmasq(work, render([], ["evil.example"]) +
                 render(["--sinkhole4", "0.0.0.0", "--sinkhole6", "::"],
                        ["sink.example"]))
    h = t.job(agent_id, "block-verify", {"blocklist": sha})
    check(h["state"] == "done", f"block-verify: {h}")
    res = h["results"][0]
    rows = {x["domain"]: x for x in res["rows"]}
    check(res["blocklist"] == sha and res["domains"] == 3 and
          res["checked"] == 3 and not res["truncated"] and
          res["limit"] == 1000 and
          res["counts"] == {"blocked": 2, "open": 1, "error": 0},
          f"block-verify results: {res}")
    check(rows["evil.example"]["state"] == "blocked" and
          rows["evil.example"]["how"] == "nxdomain", f"evil: {rows}")
    check(rows["sink.example"]["state"] == "blocked" and
          rows["sink.example"]["how"] == "sinkhole", f"sink: {rows}")
    check(rows["open.example"]["state"] == "open" and
          rows["open.example"]["addresses"] == ["192.0.2.7"],
          f"open: {rows}")
    # the resolver down: unknown, never blocked
    dm.stop()
    h = t.job(agent_id, "block-verify", {"blocklist": sha})
    check(h["state"] == "done", f"block-verify, resolver down: {h}")
    res = h["results"][0]
    check(res["counts"] == {"blocked": 0, "open": 0, "error": 3} and
          all(x["state"] == "error" for x in res["rows"]),
          f"resolver down: {res}")


def without_net_admin(tech, srv, state, work, sha):
    """An agent without CAP_NET_ADMIN: block-apply fails with nft's own
    error text, and the failure reaches the server."""
    ag = Agent(srv, None, None, None, key=AgentKey.from_state(state))
    r = tech.request("POST", "/api/v1/jobs", body={
        "type": "block-apply", "args": {"blocklist": sha},
        "target": {"host": ag.id}})
    check(r.status == 201, f"block-apply job: {r}")
    job = r.json["id"]
    envs = ag.jobs()
    check(len(envs) == 1, f"envelopes: {envs}")
    env, conf = os.path.join(work, "env.json"), os.path.join(work, "all.conf")
    with open(env, "w") as f:
        f.write(envs[0])
    with open(conf, "w") as f:
        f.write("[jobs]\n")
    p = run(["capsh", "--drop=cap_net_admin", "--", "-c",
             'exec "$0" job run --state "$1" --config "$2" "$3"', AGENT,
             state, conf, env])
    out = json.loads(p.stdout)
    check(p.returncode == 1 and out["state"] == "failed" and
          "nftables refused the blocklist" in out["reason"] and
          "Operation not permitted" in out["reason"] and
          len(out["reason"]) < 1200, f"without CAP_NET_ADMIN: {p.stdout}")
    check(nft_table()[0] != 0, "a failed apply made the table")
    ag.report(job, out["state"], out["reason"], out["results"])
    r = tech.request("GET", f"/api/v1/jobs/{job}/hosts")
    check(r.status == 200 and r.json["items"][0]["state"] == "failed" and
          "Operation not permitted" in r.json["items"][0]["reason"],
          f"the failure on the server: {r}")


def main():
    namespace_up()
    srv = Server()
    work = tempfile.mkdtemp(prefix="gateway-block-")
    d = None
    try:
        srv.start()
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"], b["totp_secret"]).status ==
              200, "admin login")
        for slug in ("acme", "globex"):
            check(a.request("POST", "/api/v1/tenants", body={
                "slug": slug, "name": slug.title()}).status == 201, slug)
        u = {"admin": a,
             "tech": login_user(srv, a, "tech-acme", "technician",
                                ["acme"]),
             "globex": login_user(srv, a, "tech-globex", "technician",
                                  ["globex"])}
        sha = blob_api(srv, u)
        r = u["tech"].request("POST", "/api/v1/tenants/acme/enroll-tokens",
                              body={})
        check(r.status == 201, f"token: {r}")
        state = os.path.join(work, "state")
        p = run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                 r.json["secret"], "--state", state, "--hostname", "gw"])
        check(p.returncode == 0, f"enroll: {p.stderr}")
        with open(os.path.join(state, "agent.json")) as f:
            agent_id = json.load(f)["agent_id"]
        root = make_root(work)
        d = Daemon(["--state", state, "--hostname", "gw", "--store",
                    os.path.join(work, "qstore"), "--inventory-root", root])
        d.wait_log(r'msg="agent started"')
        t = Tech(u["tech"], d)
        apply_remove(t, agent_id, sha)
        check(os.path.exists(os.path.join(state, "blocklists",
                                          sha + ".json")),
              "the blob is not cached")
        verify(t, agent_id, sha, work)
        d.p.terminate()
        d.p.wait(60)
        # agent.conf forbids changing the firewall: rejected, unchanged
        conf = os.path.join(work, "agent.conf")
        with open(conf, "w") as f:
            f.write("[jobs]\ndeny = block-apply, block-remove\n")
        d = Daemon(["--state", state, "--hostname", "gw", "--config", conf,
                    "--store", os.path.join(work, "qstore"),
                    "--inventory-root", root])
        d.wait_log(r'msg="agent started"')
        t = Tech(u["tech"], d)
        h = t.job(agent_id, "block-apply", {"blocklist": sha})
        check(h["state"] == "rejected" and "agent.conf" in h["reason"] and
              "block-apply" in h["reason"], f"a denied block-apply: {h}")
        check(nft_table()[0] != 0, "a denied job made the table")
        d.p.terminate()
        d.p.wait(60)
        without_net_admin(u["tech"], srv, state, work, sha)
        srv.drain()
        check(srv.stop() == 0, "rampartd did not stop cleanly")
    finally:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
                p.wait()
        srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("gateway_block: ok")


if __name__ == "__main__":
    main()
