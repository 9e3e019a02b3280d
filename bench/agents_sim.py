#!/usr/bin/env python3
"""rampartd under a fleet of simulated agents (bench/agents.sh drives it).

Starts a real rampartd in a temporary state directory (SQLite, or the
PostgreSQL of RAMPART_TEST_DB under scripts/pg-test.sh), sets it up
through the API as an administrator would (bootstrap login with TOTP,
a tenant, the 3CX CSAF advisory, one enrolment token for every agent),
and enrols HOSTS agents through POST /api/v1/agents/enroll, each with its
own Ed25519 key (tests/it/agent_lib.py signs exactly as
docs/agent-protocol.md says).  Then, for SECONDS, the first AGENTS of
them act as agents do:

- a signed heartbeat every 10 s, the fleet spread evenly over the
  interval, each with a jitter of up to +-10 %;
- every ~60 s an inventory delta that upgrades one package; after a
  failed upload the next one is full again.  Each agent's first, full
  inventory (about 1000 packages) is sent before the timed load, 4 at a
  time, as by a fleet that is already running (timed on its own); with
  --ramp S the full inventories are part of the load instead, spread
  over its first S seconds, as by a fleet whose agents all start now.  One
  agent in ten is a Windows machine with the 3CX Desktop App 18.12.407,
  whose first delta upgrades it to the fixed 18.12.422, so findings are
  opened and resolved under load.

Every request goes over a new TLS connection (as `rampart-agent
heartbeat` does), or one kept per agent with --keepalive.  Each is
timed from the connection to the end of the answer; any answer outside
2xx, connection error or timeout (30 s) is an error.  Around the load it
reads the CPU time of rampartd's processes (and PostgreSQL's) and their
RSS from /proc (peak: VmHWM, reset when the load starts, and at the
end), then checks the server's own account: its request log has no
answer outside 2xx and /metrics no store error.  With --idle there is
no load: it reports rampartd's RSS after the enrolment, at rest.

Prints a table and one `RESULT {json}` line; exits 1 when any request
failed.

  agents_sim.py BUILD [--agents N] [--hosts N] [--seconds N] [--ramp S]
      [--packages N] [--keepalive] [--idle] [--idle-seconds N]
      [--per-ip N] [--json FILE]
"""
import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import resource
import ssl
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "it"))
sys.path.insert(0, HERE)
from agent_lib import AgentKey  # noqa: E402
from server_bench import (cpu_of, drain, http_roles,  # noqa: E402
                          machine_cpu, metric, postmaster, proc_status,
                          tree)
from server_lib import Server, check, fail  # noqa: E402

CSAF = os.path.join(TOP, "tests", "data", "3cx", "3cx-csaf.json")
TIMEOUT = 30.0
HEARTBEAT = 10.0
DELTA = 60.0
SEED = 20261207
# Names the synthetic packages are drawn from (bench/bench_match.c draws
# from a pool of 20 000 too): so hosts share most of their packages.
POOL = 20000


# ---- synthetic inventories ----

def pkg(agent, i, name, gen):
    """Package i of an agent, at upgrade generation gen: an entry as
    inv_native_write writes a dpkg package."""
    ver = f"{1 + (agent + i) % 7}.{i % 13}.{gen}-{1 + i % 3}"
    return {"name": name, "version": ver, "scheme": "deb", "source": "dpkg",
            "arch": "amd64",
            "purl": f"pkg:deb/debian/{name}@{ver}?arch=amd64&distro=bookworm"}


APP = "3CX Desktop App"


def app(version):
    return {"name": APP, "vendor": "3CX Ltd", "version": version,
            "scheme": "generic", "source": "windows_registry",
            "arch": "x86_64"}


class Agent:
    """One simulated agent: its key, its sequence numbers, and what it
    has installed, kept as (names, generation per package) so that 1000
    agents of 1000 packages do not hold a million dictionaries."""

    def __init__(self, idx, key, packages):
        self.idx = idx
        self.key = key
        self.windows = idx % 10 == 0
        self.hostname = f"bench-{idx:05d}"
        rng = random.Random(SEED + idx)
        self.names = [f"bench-lib{n:05d}" for n in
                      rng.sample(range(POOL), packages)]
        self.gen = {}
        self.seq = 0  # the last upload's
        self.inventory = 0  # the server's current inventory (its seq)
        self.app = "18.12.407.0"
        self.conn = None  # (reader, writer) with --keepalive

    def host(self):
        if self.windows:
            return {"name": self.hostname, "os": "Windows",
                    "os_version": "11 23H2", "arch": "x86_64"}
        return {"name": self.hostname, "os": "Debian GNU/Linux",
                "os_version": "12", "arch": "x86_64"}

    def entry(self, i):
        return pkg(self.idx, i, self.names[i], self.gen.get(i, 0))

    def full(self):
        sw = [self.entry(i) for i in range(len(self.names))]
        if self.windows:
            sw.append(app(self.app))
        self.seq += 1
        return {"seq": self.seq, "kind": "full", "host": self.host(),
                "software": sw}

    def delta(self, rng):
        """Upgrades one package (the 3CX app first, on Windows)."""
        self.seq += 1
        if self.windows and self.app != "18.12.422.0":
            old, self.app = app(self.app), "18.12.422.0"
            new = app(self.app)
        else:
            i = rng.randrange(len(self.names))
            old = self.entry(i)
            self.gen[i] = self.gen.get(i, 0) + 1
            new = self.entry(i)
        return {"seq": self.seq, "kind": "delta", "base": self.inventory,
                "add": [new], "remove": [old]}


# ---- HTTP over asyncio, pinned TLS ----

class Http:
    def __init__(self, port, fingerprint, keepalive):
        self.port = port
        self.fp = fingerprint.replace(":", "").lower()
        self.keepalive = keepalive
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # pinned below instead
        self.ctx = ctx

    async def connect(self):
        r, w = await asyncio.open_connection("127.0.0.1", self.port,
                                             ssl=self.ctx)
        der = w.get_extra_info("ssl_object").getpeercert(binary_form=True)
        if hashlib.sha256(der).hexdigest() != self.fp:
            w.close()
            raise ssl.SSLError("certificate fingerprint mismatch")
        return r, w

    async def request(self, agent, method, path, body, headers):
        """(status, body) of one request; the connection is the agent's
        with --keepalive, else a new one closed afterwards."""
        conn = agent.conn if agent is not None and self.keepalive else None
        fresh = conn is None
        if fresh:
            conn = await self.connect()
        r, w = conn
        try:
            head = [f"{method} {path} HTTP/1.1",
                    f"Host: 127.0.0.1:{self.port}",
                    f"Content-Length: {len(body)}",
                    "Connection: " + ("keep-alive" if self.keepalive and
                                      agent is not None else "close")]
            head += [f"{k}: {v}" for k, v in headers.items()]
            w.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            status, data, close = await self.answer(r)
        except BaseException:
            w.close()
            if agent is not None:
                agent.conn = None
            raise
        if close or not (self.keepalive and agent is not None):
            w.close()
            if agent is not None:
                agent.conn = None
        else:
            agent.conn = conn
        return status, data

    @staticmethod
    async def answer(r):
        line = await r.readline()
        if not line:
            raise ConnectionError("connection closed before the answer")
        parts = line.split(None, 2)
        status = int(parts[1])
        length, close = None, False
        while True:
            h = await r.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, _, v = h.decode("latin-1").partition(":")
            k, v = k.strip().lower(), v.strip()
            if k == "content-length":
                length = int(v)
            elif k == "connection" and v.lower() == "close":
                close = True
        data = await (r.readexactly(length) if length is not None
                      else r.read())
        return status, data, close or length is None


# ---- the load ----

class Stats:
    def __init__(self):
        self.lat = {}  # route -> [seconds]
        self.errors = {}  # "route: what" -> count
        self.first_error = {}
        self.statuses = {}
        self.inv = {"opened": 0, "resolved": 0, "changed": 0}

    def ok(self, route, t):
        self.lat.setdefault(route, []).append(t)

    def error(self, route, what, detail=""):
        k = f"{route}: {what}"
        self.errors[k] = self.errors.get(k, 0) + 1
        self.first_error.setdefault(k, detail[:300])


async def call(http, st, agent, route, method, path, body_obj):
    body = b"" if body_obj is None else json.dumps(
        body_obj, separators=(",", ":")).encode()
    h = {"Authorization": agent.key.authorization(method, path, body)}
    if body_obj is not None:
        h["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    try:
        status, data = await asyncio.wait_for(
            http.request(agent, method, path, body, h), TIMEOUT)
    except asyncio.TimeoutError:
        st.error(route, "timeout")
        return None
    except (OSError, ConnectionError, ssl.SSLError, ValueError,
            IndexError, asyncio.IncompleteReadError) as e:
        st.error(route, "connection: " + type(e).__name__, str(e))
        return None
    dt = time.perf_counter() - t0
    if not 200 <= status < 300:
        st.error(route, f"HTTP {status}", data.decode(errors="replace"))
        return None
    st.ok(route, dt)
    try:
        return json.loads(data)
    except ValueError:
        st.error(route, "not JSON", data.decode(errors="replace"))
        return None


async def heartbeats(http, st, a, t0, end, n, rng):
    t = t0 + HEARTBEAT * a.idx / n
    body = {"hostname": a.hostname, "os": a.host()["os"],
            "agent_version": "bench"}
    while True:
        t += HEARTBEAT * rng.uniform(-0.1, 0.1)
        if t >= end:
            return
        await asyncio.sleep(max(0.0, t - time.monotonic()))
        await call(http, st, a, "POST /api/v1/agent/heartbeat", "POST",
                   "/api/v1/agent/heartbeat", body)
        t += HEARTBEAT


async def inventories(http, st, a, t0, end, n, rng, ramp):
    if ramp is None:  # the full one was sent before: deltas from now on
        t, kind = t0 + rng.uniform(0, DELTA), "delta"
    else:
        t, kind = t0 + ramp * a.idx / n + rng.uniform(0, 0.5), "full"
    while t < end:
        await asyncio.sleep(max(0.0, t - time.monotonic()))
        inv = a.full() if kind == "full" else a.delta(rng)
        res = await call(http, st, a, f"POST /api/v1/agent/inventory "
                         f"({kind})", "POST", "/api/v1/agent/inventory", inv)
        if res is not None:
            a.inventory = inv["seq"]
            for k in st.inv:
                st.inv[k] += res.get("findings", {}).get(k, 0)
            kind = "delta"
        else:
            kind = "full"  # what the agent does after a refusal
        t += DELTA * rng.uniform(0.9, 1.1)


async def load(http, agents, seconds, inventory, ramp):
    st = Stats()
    rng = random.Random(SEED)
    t0 = time.monotonic() + 0.5
    end = t0 + seconds
    tasks = []
    for a in agents:
        tasks.append(heartbeats(http, st, a, t0, end, len(agents),
                                random.Random(rng.random())))
        if inventory:
            tasks.append(inventories(http, st, a, t0, end, len(agents),
                                     random.Random(rng.random()), ramp))
    await asyncio.gather(*tasks)
    for a in agents:
        if a.conn is not None:
            a.conn[1].close()
            a.conn = None
    return st, time.monotonic() - t0


# ---- set-up: the administrator, the enrolment ----

async def initial(http, agents, width=4):
    """Every agent's first, full inventory, WIDTH at a time."""
    sem = asyncio.Semaphore(width)
    st = Stats()

    async def one(a):
        async with sem:
            inv = a.full()
            res = await call(http, st, a, "POST /api/v1/agent/inventory "
                             "(full)", "POST", "/api/v1/agent/inventory",
                             inv)
        if res is not None:
            a.inventory = inv["seq"]
            for k in st.inv:
                st.inv[k] += res.get("findings", {}).get(k, 0)

    await asyncio.gather(*(one(a) for a in agents))
    return st


def setup_api(srv, hosts):
    boot = srv.bootstrap
    check(boot is not None, "no bootstrap credentials printed")
    c = srv.client()
    r = c.login(boot["user"], boot["password"], boot["totp_secret"])
    check(r.status == 200, f"admin login: {r}")
    r = c.request("POST", "/api/v1/tenants",
                  body={"slug": "fleet", "name": "Fleet"})
    check(r.status == 201, f"tenant: {r}")
    with open(CSAF, "rb") as f:
        r = c.request("POST", "/api/v1/advisories", raw=f.read(),
                      ctype="application/json")
    check(r.status == 201, f"advisory import: {r}")
    r = c.request("POST", "/api/v1/tenants/fleet/enroll-tokens",
                  body={"name": "bench", "uses": 0, "expires_hours": 24})
    check(r.status == 201, f"enrolment token: {r}")
    return c, r.json["secret"]


async def enrol(http, secret, hosts, packages):
    """HOSTS agents enrolled, 16 at a time; each gets its own key."""
    sem = asyncio.Semaphore(16)
    st = Stats()

    async def one(i):
        k = AgentKey()
        body = json.dumps(k.enroll_body(secret, f"bench-{i:05d}")).encode()
        async with sem:
            t0 = time.perf_counter()
            status, data = await asyncio.wait_for(http.request(
                None, "POST", "/api/v1/agents/enroll", body,
                {"Content-Type": "application/json"}), TIMEOUT)
            st.ok("POST /api/v1/agents/enroll", time.perf_counter() - t0)
        check(status == 201, f"enrol {i}: {status} {data[:300]!r}")
        k.agent_id = json.loads(data)["agent_id"]
        return Agent(i, k, packages)

    agents = await asyncio.gather(*(one(i) for i in range(hosts)))
    return agents, st


def has_inventory_route(srv):
    """Whether this rampartd has POST /api/v1/agent/inventory: its route
    table is in its OpenAPI document."""
    r = srv.client().request("GET", "/api/v1/openapi.json")
    check(r.status == 200, f"openapi.json: {r}")
    return "/api/v1/agent/inventory" in r.json.get("paths", {})


def pct(v, q):
    if not v:
        return None
    s = sorted(v)
    return s[min(len(s) - 1, int(q * len(s)))]


def rss_of(pids):
    return {p: (proc_status(p, "VmRSS"), proc_status(p, "VmHWM"))
            for p in pids}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=None,
                    help="agents enrolled (default: --agents)")
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--packages", type=int, default=1000)
    ap.add_argument("--ramp", type=float, default=None,
                    help="the full inventories within the load, spread "
                    "over its first RAMP seconds (default: before it)")
    ap.add_argument("--keepalive", action="store_true")
    ap.add_argument("--no-inventory", action="store_true",
                    help="heartbeats only")
    ap.add_argument("--idle", action="store_true",
                    help="no load: rampartd's RSS at rest after enrolment")
    ap.add_argument("--idle-seconds", type=int, default=30)
    ap.add_argument("--per-ip", type=int, default=4096)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    hosts = args.hosts or args.agents
    check(hosts >= args.agents, "--hosts below --agents")

    os.environ["RAMPARTD_BIN"] = os.path.join(args.build, "src", "server",
                                              "rampartd")
    os.environ["RAMPART_HTTP_PER_IP_CONNECTIONS"] = str(args.per_ip)
    os.environ["RAMPART_HTTP_MAX_CONNECTIONS"] = str(
        max(1024, args.agents + 64))
    store = "postgresql" if os.environ.get("RAMPART_TEST_DB") else "sqlite"
    srv = Server()
    log = os.path.join(srv.dir, "rampartd.log")
    res = {"store": store, "hosts": hosts, "agents": args.agents,
           "packages": args.packages, "keepalive": args.keepalive,
           "ramp_s": args.ramp}
    try:
        srv.start()
        c, secret = setup_api(srv, hosts)
        inventory = not args.no_inventory and not args.idle
        check(not inventory or has_inventory_route(srv),
              "this rampartd has no POST /api/v1/agent/inventory "
              "(--no-inventory: heartbeats only)")
        res["inventory"] = inventory
        t = threading.Thread(target=drain, args=(srv, log), daemon=True)
        t.start()
        pids = tree(srv.proc.pid)
        http_pids = http_roles(srv, pids)
        check(len(http_pids) == 1, f"expected one http role: {pids}")
        pg_pids = []
        if store == "postgresql":
            pm = postmaster(os.environ["RAMPART_PG_PORT"])
            check(pm is not None, "PostgreSQL server not found")
            pg_pids = tree(pm)
        http = Http(srv.port, srv.fingerprint, args.keepalive)
        res["rss_before_enrol_mib"] = round(
            proc_status(http_pids[0], "VmRSS"), 1)
        # The peak so far is the administrator's login (argon2id, 64
        # MiB): kept apart, then reset (clear_refs 5), so that VmHWM
        # afterwards is the enrolment's and the load's own.
        res["http_vmhwm_setup_mib"] = round(
            proc_status(http_pids[0], "VmHWM"), 1)
        reset_peaks(pids)
        e0 = time.monotonic()
        agents, est = asyncio.run(enrol(http, secret, hosts, args.packages))
        res["enrol_s"] = round(time.monotonic() - e0, 1)
        el = est.lat["POST /api/v1/agents/enroll"]
        res["enrol_p50_ms"] = round(pct(el, 0.5) * 1e3, 1)
        res["enrol_p99_ms"] = round(pct(el, 0.99) * 1e3, 1)
        if args.idle:
            idle(srv, res, pids, http_pids, args.idle_seconds)
        else:
            run_load(srv, res, args, agents, pids, http_pids, pg_pids,
                     inventory, http, pm if pg_pids else None)
        r = srv.client().request("GET", "/metrics")
        check(r.status == 200, f"/metrics: {r}")
        res["store_errors"] = metric(r.body.decode(),
                                     "rampart_store_errors_total")
        res["agents_listed"] = count_agents(c)
        if inventory and not args.idle:
            r = c.request("GET", "/api/v1/findings/counts")
            res["findings_counts"] = r.json if r.status == 200 else \
                f"HTTP {r.status}"
        res["stop_status"] = srv.stop()
        t.join(timeout=60)
        with open(log, errors="replace") as f:
            lines = [ln for ln in f if " msg=request " in ln]
        bad = [ln for ln in lines if not re.search(r" status=2\d\d ", ln)]
        res["server_log_requests"] = len(lines)
        res["server_log_non2xx"] = len(bad)
        res["server_log_first_non2xx"] = bad[0].strip() if bad else None
    finally:
        srv.cleanup()
    print_table(res)
    print("RESULT " + json.dumps(res))
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(res) + "\n")
    errors = []
    if res.get("errors"):
        errors.append(f"requests failed: {res['errors']}")
    if res["server_log_non2xx"]:
        errors.append(f"{res['server_log_non2xx']} non-2xx answers in the "
                      f"server log, first: {res['server_log_first_non2xx']}")
    if res["store_errors"]:
        errors.append(f"{res['store_errors']:.0f} store errors in /metrics")
    if res["agents_listed"] != hosts:
        errors.append(f"{res['agents_listed']} agents listed, {hosts} "
                      f"enrolled")
    if res["stop_status"] != 0:
        errors.append(f"rampartd exited {res['stop_status']} on SIGTERM")
    if errors:
        fail("; ".join(errors))


def count_agents(c):
    n, after = 0, None
    while True:
        q = "/api/v1/agents?limit=500" + (f"&after={after}" if after else "")
        r = c.request("GET", q)
        check(r.status == 200, f"agent list: {r}")
        n += len(r.json["items"])
        after = r.json["next"]
        if not after:
            return n


def idle(srv, res, pids, http_pids, seconds):
    """rampartd at rest after the enrolment: RSS now and after SECONDS."""
    res["rss_after_enrol"] = {"http": proc_status(http_pids[0], "VmRSS"),
                              "parent": proc_status(srv.proc.pid, "VmRSS")}
    time.sleep(seconds)
    res["idle_seconds"] = seconds
    res["rss_idle"] = {"http_mib": round(proc_status(http_pids[0],
                                                     "VmRSS"), 1),
                       "http_peak_mib": round(proc_status(http_pids[0],
                                                          "VmHWM"), 1),
                       "parent_mib": round(proc_status(srv.proc.pid,
                                                       "VmRSS"), 1)}
    res["errors"] = {}


def reset_peaks(pids):
    for p in pids:
        with open(f"/proc/{p}/clear_refs", "w") as f:
            f.write("5")


def run_load(srv, res, args, agents, pids, http_pids, pg_pids, inventory,
             http, pm):
    res["http_vmhwm_enrol_mib"] = round(proc_status(http_pids[0], "VmHWM"),
                                        1)
    if inventory and args.ramp is None:
        i0 = time.monotonic()
        ist = asyncio.run(initial(http, agents[:args.agents]))
        il = ist.lat.get("POST /api/v1/agent/inventory (full)", [])
        res["initial"] = {"n": len(il), "errors": ist.errors,
                          "seconds": round(time.monotonic() - i0, 1),
                          "p50_ms": round(pct(il, 0.5) * 1e3, 1) if il
                          else None,
                          "p99_ms": round(pct(il, 0.99) * 1e3, 1) if il
                          else None,
                          "findings": ist.inv}
    reset_peaks(pids)
    cpu0 = cpu_of(pids + pg_pids)
    m0, self0 = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
    load0 = os.getloadavg()[0]
    st, wall = asyncio.run(load(http, agents[:args.agents], args.seconds,
                                inventory, args.ramp))
    m1, self1 = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
    load1 = os.getloadavg()[0]
    if pm is not None:
        pg_pids = sorted(set(pg_pids) | set(tree(pm)))
    cpu1 = cpu_of(pids + pg_pids)
    d = (lambda ps: sum(cpu1.get(p, 0) - cpu0.get(p, 0) for p in ps))
    n = sum(len(v) for v in st.lat.values())
    nerr = sum(st.errors.values())
    for k, v in res.get("initial", {}).get("errors", {}).items():
        st.errors["before the load: " + k] = v
        nerr += v
    for k, v in res.get("initial", {}).get("findings", {}).items():
        st.inv[k] += v
    res.update({
        "seconds": round(wall, 1), "requests": n + nerr,
        "rps": round((n + nerr) / wall, 1),
        "errors": st.errors, "first_errors": st.first_error,
        "routes": {k: {"n": len(v),
                       "p50_ms": round(pct(v, 0.5) * 1e3, 1),
                       "p90_ms": round(pct(v, 0.9) * 1e3, 1),
                       "p99_ms": round(pct(v, 0.99) * 1e3, 1),
                       "max_ms": round(max(v) * 1e3, 1)}
                   for k, v in sorted(st.lat.items())},
        "findings_from_uploads": st.inv,
        "rampartd_cpu_s": round(d(pids), 1),
        "rampartd_cpu_pct_core": round(100 * d(pids) / wall, 1),
        "http_cpu_s": round(d(http_pids), 1),
        "postgres_cpu_s": round(d(pg_pids), 1) if pg_pids else None,
        "driver_cpu_s": round(self1.ru_utime + self1.ru_stime -
                              self0.ru_utime - self0.ru_stime, 1),
        "machine_busy_pct": round(100 * (m1[0] - m0[0]) / (m1[1] - m0[1]),
                                  1),
        "load_avg_start_end": [load0, load1],
        "http_vmhwm_mib": round(proc_status(http_pids[0], "VmHWM"), 1),
        "http_vmrss_end_mib": round(proc_status(http_pids[0], "VmRSS"), 1),
        "parent_vmhwm_mib": round(proc_status(srv.proc.pid, "VmHWM"), 1),
        "parent_vmrss_end_mib": round(proc_status(srv.proc.pid, "VmRSS"),
                                      1),
    })


def print_table(r):
    rows = [("store", r["store"]),
            ("hosts enrolled / agents active",
             f"{r['hosts']} / {r['agents']}"),
            ("enrolment: time, p50 / p99",
             f"{r['enrol_s']} s, {r['enrol_p50_ms']} / "
             f"{r['enrol_p99_ms']} ms")]
    if "rss_idle" in r:
        i = r["rss_idle"]
        rows += [("http role RSS before enrolment",
                  f"{r['rss_before_enrol_mib']} MiB"),
                 (f"RSS idle {r['idle_seconds']} s after enrolment: http "
                  f"(peak while enrolling) / parent", f"{i['http_mib']} ({i['http_peak_mib']})"
                  f" / {i['parent_mib']} MiB")]
    else:
        rows += [
            ("connections", "one per agent, kept" if r["keepalive"]
             else "a new one per request"),
            ("inventory uploads", "no (heartbeats only)"
             if not r["inventory"] else f"{r['packages']} packages, full "
             f"(spread over the first {r['ramp_s']:g} s) then deltas"
             if r["ramp_s"] is not None else "deltas (the full ones "
             "before the load)")]
        if "initial" in r:
            i = r["initial"]
            rows.append(("before the load: full inventories, 4 at a time: "
                         "n, time, p50 / p99", f"{i['n']}, {i['seconds']} s"
                         f", {i['p50_ms']} / {i['p99_ms']} ms"))
        rows += [
            ("duration", f"{r['seconds']} s"),
            ("requests, requests/s", f"{r['requests']}, {r['rps']:.1f}"),
            ("errors", json.dumps(r["errors"]) if r["errors"] else "0")]
        for k, v in r["routes"].items():
            rows.append((f"{k}: n, p50 / p90 / p99 / max",
                         f"{v['n']}, {v['p50_ms']} / {v['p90_ms']} / "
                         f"{v['p99_ms']} / {v['max_ms']} ms"))
        rows += [
            ("findings opened / resolved / changed by uploads",
             "{opened} / {resolved} / {changed}".format(
                 **r["findings_from_uploads"])),
            ("rampartd CPU (parent + http)",
             f"{r['rampartd_cpu_s']} s = {r['rampartd_cpu_pct_core']} % "
             "of a core")]
        if r["postgres_cpu_s"] is not None:
            rows.append(("PostgreSQL CPU", f"{r['postgres_cpu_s']} s"))
        rows += [
            ("driver CPU (same machine)", f"{r['driver_cpu_s']} s"),
            ("machine busy / load avg start, end",
             f"{r['machine_busy_pct']} % / {r['load_avg_start_end'][0]:.2f}"
             f", {r['load_avg_start_end'][1]:.2f}"),
            ("http role RSS: peak under load / end",
             f"{r['http_vmhwm_mib']} / {r['http_vmrss_end_mib']} MiB"),
            ("parent RSS: peak / end",
             f"{r['parent_vmhwm_mib']} / {r['parent_vmrss_end_mib']} MiB")]
    rows += [("server log: requests / non-2xx",
              f"{r['server_log_requests']} / {r['server_log_non2xx']}"),
             ("agents listed afterwards", str(r["agents_listed"]))]
    w = max(len(a) for a, _ in rows)
    print()
    for a, b in rows:
        print(f"  {a:<{w}}  {b}")
    print()


if __name__ == "__main__":
    main()
