#!/usr/bin/env python3
"""One run of the rampartd API benchmark (bench/server.sh drives it).

Starts a real rampartd in a temporary state directory (SQLite, or the
PostgreSQL of RAMPART_TEST_DB when run under scripts/pg-test.sh), sets it
up through the API as an administrator would (bootstrap login with TOTP,
tenants, advisories imported from the shared OSV files and the 3CX CSAF,
an API token), then runs wrk with bench/server_load.lua: CONNECTIONS
keep-alive HTTPS clients on 2 threads for SECONDS, reads mixed with
writes.  Around the run it reads the CPU time of rampartd's processes
(and of PostgreSQL's, when used) from /proc, wrk's own CPU time from
wait4, and the http role's peak RSS under load (VmHWM, reset when the
load starts: the setup's login peaks higher, argon2id's 64 MiB).
Afterwards it checks the run against the server's own account: its
request log has no answer outside 2xx, /metrics counts no store error,
and every tenant created is listed.  Prints a table and one `RESULT {json}` line; exits 1
when any request failed.

  server_bench.py BUILD [--seconds N] [--connections N] [--threads N]
      [--per-ip N] [--http-threads N] [--json FILE] [--perf FILE]
"""
import argparse
import glob
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "it"))
from server_lib import Server, check, fail  # noqa: E402

OSV_DIR = os.environ.get("RAMPART_SHARED_DATA", "/work/shared/data") + "/osv"
CSAF = os.path.join(TOP, "tests", "data", "3cx", "3cx-csaf.json")
TENANTS = (("acme", "Acme Dental"), ("globex", "Globex Law"),
           ("initech", "Initech"), ("umbrella", "Umbrella Clinics"))
CLK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, CPU seconds user+system) of one process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    # fields after the name: state ppid ... utime(14) stime(15)
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / CLK


def proc_status(pid, key):
    """A kB field of /proc/PID/status (VmHWM, VmRSS) in MiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def children(ppid):
    out = []
    for d in glob.glob("/proc/[0-9]*"):
        st = proc_stat(d[6:])
        if st is not None and st[0] == ppid:
            out.append(int(d[6:]))
    return out


def tree(root):
    """root and all its descendants."""
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def http_roles(srv, pids):
    """The http role(s) among rampartd's processes: those running as the
    service user (the signer runs as another, the parent as root)."""
    import pwd
    uid = pwd.getpwnam("rampart").pw_uid
    out = []
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("Uid:") and \
                            int(line.split()[1]) == uid:
                        out.append(p)
        except OSError:
            pass
    return out


def cpu_of(pids):
    return {p: (proc_stat(p) or (0, 0.0))[1] for p in pids}


def postmaster(port):
    """The pid of the PostgreSQL server listening on PORT (pg-test.sh's)."""
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres") and \
                f"-p {port}".encode() in b" ".join(argv):
            pid = int(d[6:])
            st = proc_stat(pid)
            # the postmaster, not one of its children
            if st is not None and b"postgres" not in open(
                    f"/proc/{st[0]}/cmdline", "rb").read():
                return pid
    return None


def machine_cpu():
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def drain(srv, path):
    """Copies the daemon's output (one log line per request) into a file,
    so the pipe never fills and stalls it."""
    fd = srv.proc.stdout.fileno()
    with open(path, "ab") as f:
        f.write(srv.out.encode())
        while True:
            try:
                b = os.read(fd, 1 << 16)
            except OSError:  # closed by stop() as the daemon ended
                return
            if not b:
                return
            f.write(b)


def setup_api(srv):
    """Admin login, tenants, advisories, an API token: (token, ids)."""
    boot = srv.bootstrap
    check(boot is not None, "no bootstrap credentials printed")
    c = srv.client()
    r = c.login(boot["user"], boot["password"], boot["totp_secret"])
    check(r.status == 200, f"admin login: {r}")
    for slug, name in TENANTS:
        r = c.request("POST", "/api/v1/tenants",
                      body={"slug": slug, "name": name})
        check(r.status == 201, f"tenant {slug}: {r}")
    # Every advisory there, not the OSV schema that sits beside them.
    files = sorted(f for f in glob.glob(OSV_DIR + "/*.json")
                   if not f.endswith("/osv-schema.json")) + [CSAF]
    check(len(files) > 1, f"no OSV files in {OSV_DIR}")
    ids = []
    for i, path in enumerate(files):
        # Half MSP-wide, half for one or two tenants.
        q = "" if i % 2 == 0 else "?tenants=" + ",".join(
            t[0] for t in TENANTS[i % 4:i % 4 + 1 + i % 3 // 2])
        with open(path, "rb") as f:
            raw = f.read()
        r = c.request("POST", "/api/v1/advisories" + q, raw=raw,
                      ctype="application/json")
        check(r.status in (200, 201), f"import {path}: {r}")
        ids.append(str(r.json["id"]))
    r = c.request("POST", "/api/v1/tokens", body={"name": "bench"})
    check(r.status == 201, f"token: {r}")
    token = r.json["secret"]
    r = c.request("GET", "/api/v1/me", token=token, cookie="")
    check(r.status == 200 and r.json["kind"] == "token", f"me: {r}")
    return token, sorted(set(ids), key=int)


def count_tenants(srv, token):
    c = srv.client()
    n, after = 0, None
    while True:
        q = "/api/v1/tenants?limit=500" + (f"&after={after}" if after else "")
        r = c.request("GET", q, token=token)
        check(r.status == 200, f"tenant list: {r}")
        n += len(r.json["items"])
        after = r.json["next"]
        if not after:
            return n


def metric(text, name):
    m = re.search(r"^" + re.escape(name) + r"(?:\{[^}]*\})? (\S+)$", text,
                  re.M)
    return float(m.group(1)) if m else None


def store_queries(srv):
    r = srv.client().request("GET", "/metrics")
    check(r.status == 200, f"/metrics: {r}")
    return metric(r.body.decode(), "rampart_store_queries_total") or 0


def run_wrk(args, srv, token, ids):
    env = dict(os.environ, BENCH_TOKEN=token,
               BENCH_NONCE=str(int(time.time())))
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections),
           "-d", f"{args.seconds}s", "--timeout", "10s", "--latency",
           "-s", os.path.join(HERE, "server_load.lua"),
           f"https://127.0.0.1:{srv.port}", "--"] + ids
    # Output to files, so that the process is reaped here by wait4,
    # which gives its CPU time.
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        return (fo.read().decode(errors="replace"),
                fe.read().decode(errors="replace"), p.returncode, ru)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--per-ip", type=int, default=None,
                    help="http.per_ip_connections for this run")
    ap.add_argument("--http-threads", type=int, default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--perf", default=None, metavar="FILE",
                    help="perf record the http role during the run")
    args = ap.parse_args()

    os.environ["RAMPARTD_BIN"] = os.path.join(args.build, "src", "server",
                                              "rampartd")
    if args.per_ip is not None:
        os.environ["RAMPART_HTTP_PER_IP_CONNECTIONS"] = str(args.per_ip)
    if args.http_threads is not None:
        os.environ["RAMPART_HTTP_THREADS"] = str(args.http_threads)
    store = "postgresql" if os.environ.get("RAMPART_TEST_DB") else "sqlite"
    srv = Server()
    log = os.path.join(srv.dir, "rampartd.log")
    try:
        srv.start()
        token, ids = setup_api(srv)
        t = threading.Thread(target=drain, args=(srv, log), daemon=True)
        t.start()
        before_tenants = count_tenants(srv, token)
        pids = tree(srv.proc.pid)
        http_pids = http_roles(srv, pids)
        check(len(http_pids) == 1, f"expected one http role: {pids}")
        pg_pids = []
        if store == "postgresql":
            pm = postmaster(os.environ["RAMPART_PG_PORT"])
            check(pm is not None, "PostgreSQL server not found")
            pg_pids = tree(pm)
        q0 = store_queries(srv)
        # Peak RSS so far is the administrator's login (argon2id takes
        # 64 MiB); kept apart, then the peak is reset (clear_refs 5) so
        # that VmHWM after the run is the peak under load.
        hwm_setup = proc_status(http_pids[0], "VmHWM")
        with open(f"/proc/{http_pids[0]}/clear_refs", "w") as f:
            f.write("5")
        cpu0 = cpu_of(pids + pg_pids)
        m0, self0 = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        load0 = os.getloadavg()[0]
        perf = None
        if args.perf:
            perf = subprocess.Popen(
                ["perf", "record", "-q", "-F", "199", "--call-graph",
                 "dwarf,16384", "-o", args.perf,
                 "-p", str(http_pids[0])], stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        out, err, status, ru = run_wrk(args, srv, token, ids)
        wall = time.monotonic() - t0
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        m1, self1 = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        load1 = os.getloadavg()[0]
        if store == "postgresql":
            pg_pids = sorted(set(pg_pids) | set(tree(pm)))
        cpu1 = cpu_of(pids + pg_pids)
        hwm = proc_status(http_pids[0], "VmHWM")
        rss = proc_status(http_pids[0], "VmRSS")
        parent_hwm = proc_status(srv.proc.pid, "VmHWM")
        sys.stdout.write(out)
        sys.stderr.write(err)
        m = re.search(r"^BENCH (\{.*\})$", out, re.M)
        check(m is not None, f"wrk printed no result (status {status})")
        res = json.loads(m.group(1))

        # The server's own account of the run.
        q1 = store_queries(srv)
        r = srv.client().request("GET", "/metrics")
        check(r.status == 200, f"/metrics: {r}")
        store_errors = metric(r.body.decode(), "rampart_store_errors_total")
        after_tenants = count_tenants(srv, token)
        rc = srv.stop()
        t.join(timeout=60)
        with open(log, errors="replace") as f:
            lines = [ln for ln in f if " msg=request " in ln]
        bad_log = [ln for ln in lines if not re.search(r" status=2\d\d ", ln)]
        created_log = sum(1 for ln in lines if " status=201 " in ln
                          and 'route="POST /api/v1/tenants"' in ln)
    finally:
        srv.cleanup()

    d = (lambda pids: sum(cpu1.get(p, 0) - cpu0.get(p, 0) for p in pids))
    secs = res["duration_us"] / 1e6
    wrk_cpu = ru.ru_utime + ru.ru_stime
    result = {
        "store": store, "seconds": round(secs, 1),
        "connections": args.connections, "wrk_threads": args.threads,
        "requests": res["requests"], "rps": round(res["requests"] / secs, 1),
        "p50_ms": res["p50_us"] / 1e3, "p90_ms": res["p90_us"] / 1e3,
        "p99_ms": res["p99_us"] / 1e3, "p999_ms": res["p999_us"] / 1e3,
        "max_ms": res["max_us"] / 1e3, "mean_ms": round(res["mean_us"] / 1e3,
                                                        2),
        "non2xx": res["non2xx"],
        "socket_errors": res["connect_errors"] + res["read_errors"]
        + res["write_errors"], "timeouts": res["timeouts"],
        "tenants_created": res["created"],
        "tenants_listed_new": after_tenants - before_tenants,
        "server_log_requests": len(lines), "server_log_non2xx": len(bad_log),
        "store_errors": store_errors,
        "store_queries_per_request": round((q1 - q0) / max(1, res["requests"]),
                                           1),
        "rampartd_cpu_s": round(d(pids), 1),
        "rampartd_cpu_pct_core": round(100 * d(pids) / wall, 1),
        "http_cpu_s": round(d(http_pids), 1),
        "postgres_cpu_s": round(d(pg_pids), 1) if pg_pids else None,
        "postgres_cpu_pct_core": round(100 * d(pg_pids) / wall, 1)
        if pg_pids else None,
        "wrk_cpu_s": round(wrk_cpu, 1),
        "wrk_cpu_pct_core": round(100 * wrk_cpu / wall, 1),
        "driver_cpu_s": round(self1.ru_utime + self1.ru_stime
                              - self0.ru_utime - self0.ru_stime, 1),
        "machine_busy_pct": round(100 * (m1[0] - m0[0]) / (m1[1] - m0[1]), 1),
        "load_avg_start_end": [load0, load1],
        "http_vmhwm_setup_mib": round(hwm_setup, 1) if hwm_setup else None,
        "http_vmhwm_mib": round(hwm, 1) if hwm else None,
        "http_vmrss_end_mib": round(rss, 1) if rss else None,
        "parent_vmhwm_mib": round(parent_hwm, 1) if parent_hwm else None,
        "advisories": len(ids), "stop_status": rc,
    }
    print_table(result)
    print("RESULT " + json.dumps(result))
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    errors = []
    if status != 0:
        errors.append(f"wrk exited with status {status}")
    if result["non2xx"] or result["socket_errors"] or result["timeouts"]:
        errors.append("requests failed")
    if bad_log:
        errors.append(f"{len(bad_log)} non-2xx answers in the server log, "
                      f"first: {bad_log[0].strip()}")
    if store_errors:
        errors.append(f"{store_errors:.0f} store errors in /metrics")
    # wrk stops counting at the deadline: requests in flight then are
    # answered (and logged) but not counted by wrk.
    if result["tenants_listed_new"] != created_log - len(TENANTS) or \
            result["tenants_listed_new"] < res["created"]:
        errors.append(f"{res['created']} tenants created (wrk), "
                      f"{created_log - len(TENANTS)} (server log), "
                      f"{result['tenants_listed_new']} new in the list")
    if rc != 0:
        errors.append(f"rampartd exited {rc} on SIGTERM")
    if errors:
        fail("; ".join(errors))


def print_table(r):
    rows = [
        ("store", r["store"]),
        ("clients (connections) / wrk threads",
         f"{r['connections']} / {r['wrk_threads']}"),
        ("duration", f"{r['seconds']} s"),
        ("requests (writes: tenants created)",
         f"{r['requests']} ({r['tenants_created']})"),
        ("requests/s", f"{r['rps']:.0f}"),
        ("latency p50 / p90 / p99 / p99.9 / max",
         f"{r['p50_ms']:.1f} / {r['p90_ms']:.1f} / {r['p99_ms']:.1f} / "
         f"{r['p999_ms']:.1f} / {r['max_ms']:.1f} ms"),
        ("errors: non-2xx / socket / timeouts (10 s)",
         f"{r['non2xx']} / {r['socket_errors']} / {r['timeouts']}"),
        ("server log: requests / non-2xx",
         f"{r['server_log_requests']} / {r['server_log_non2xx']}"),
        ("store statements per request",
         f"{r['store_queries_per_request']}"),
        ("rampartd CPU (parent + http)",
         f"{r['rampartd_cpu_s']} s = {r['rampartd_cpu_pct_core']} % of a core"),
    ]
    if r["postgres_cpu_s"] is not None:
        rows.append(("PostgreSQL CPU", f"{r['postgres_cpu_s']} s = "
                     f"{r['postgres_cpu_pct_core']} % of a core"))
    rows += [
        ("wrk CPU (same machine)",
         f"{r['wrk_cpu_s']} s = {r['wrk_cpu_pct_core']} % of a core"),
        ("machine busy (all CPUs) / load avg start, end",
         f"{r['machine_busy_pct']} % / {r['load_avg_start_end'][0]:.2f}, "
         f"{r['load_avg_start_end'][1]:.2f}"),
        ("http role peak RSS under load (VmHWM) / RSS at end",
         f"{r['http_vmhwm_mib']} / {r['http_vmrss_end_mib']} MiB"),
        ("http role peak RSS of the setup (admin login: argon2id)",
         f"{r['http_vmhwm_setup_mib']} MiB"),
    ]
    w = max(len(a) for a, _ in rows)
    print()
    for a, b in rows:
        print(f"  {a:<{w}}  {b}")
    print()


if __name__ == "__main__":
    main()
