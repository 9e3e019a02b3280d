#!/usr/bin/env python3
"""Server render time of the web UI's two largest pages with 10 000
hosts (bench/web.sh drives it): the machine list (first page, a page in
the middle, a filtered page) and an advisory's affected-hosts page (first
page and a later one).

The store is made by bench_findings (HOSTS hosts, each with the 3CX
Desktop App and an open finding of the 3CX advisory); rampartd is
started on it, bootstraps its administrator, and the page is asked for
REPEAT times per variant over one keep-alive HTTPS connection.  The time
counted is the server's own, from the http role's request log (`ms=`, from
the request's arrival to its answer queued), so the client's TLS and
parsing are not in it; the client's wall time is shown beside it.

  web_bench.py DB_URL [--repeat N]
"""
import argparse
import http.client
import json
import os
import re
import ssl
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "it"))
from server_lib import Server, check, totp_next  # noqa: E402

LOG_RE = re.compile(r'msg=request method=GET route="?([^ "]+)"? '
                    r'status=(\d+) ms=([0-9.]+)')


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


class Conn:
    def __init__(self, srv, cookie):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.c = http.client.HTTPSConnection("127.0.0.1", srv.port,
                                             context=ctx, timeout=120)
        self.cookie = cookie

    def get(self, path):
        self.c.request("GET", path, headers={
            "Cookie": f"rampart_session={self.cookie}"})
        r = self.c.getresponse()
        body = r.read()
        check(r.status == 200, f"GET {path}: {r.status} {body[:300]}")
        return body.decode()


def drain(srv, lines):
    fd = srv.proc.stdout.fileno()
    buf = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buf += chunk
        *done, buf = buf.split(b"\n")
        lines.extend(x.decode(errors="replace") for x in done)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--repeat", type=int, default=200)
    a = ap.parse_args()
    srv = Server(db=a.db).start()
    lines = []
    try:
        threading.Thread(target=drain, args=(srv, lines), daemon=True).start()
        cl = srv.client()
        b = srv.bootstrap
        r = cl.login(b["user"], b["password"], b["totp_secret"])
        check(r.status == 200, f"login: {r.status}")
        adv = json.loads(cl.request("GET", "/api/v1/advisories").body)
        adv_id = adv["items"][0]["id"]
        conn = Conn(srv, cl.cookie)
        first = conn.get("/hosts")
        total = re.search(r"<h1>[^<(]*\(([0-9,.\s]+)\)", first)
        mid = json.loads(cl.request(
            "GET", "/api/v1/agents?limit=500").body)["next"]
        page1 = conn.get(f"/advisories/{adv_id}")
        nxt = re.search(r'href="\?([^"]*after=[^"]*)" rel="next"', page1)
        check(nxt is not None, "no next page on the advisory page")
        variants = [
            ("/hosts", "machine list, first page"),
            (f"/hosts?after={mid}", "machine list, page after 500"),
            ("/hosts?q=ws-0001&verdict=affected",
             "machine list, name filter + verdict"),
            (f"/advisories/{adv_id}", "affected hosts, first page"),
            (f"/advisories/{adv_id}?" + nxt.group(1).replace("&amp;", "&"),
             "affected hosts, second page"),
        ]
        results = []
        for path, label in variants:
            conn.get(path)  # warm
            before = len(lines)
            wall = []
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                body = conn.get(path)
                wall.append((time.perf_counter() - t0) * 1e3)
            # the log lines of these requests arrive after their answers
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                got = [float(m.group(3)) for m in
                       (LOG_RE.search(x) for x in lines[before:]) if m]
                if len(got) >= a.repeat:
                    break
                time.sleep(0.05)
            check(len(got) >= a.repeat,
                  f"{label}: {len(got)} log lines for {a.repeat} requests")
            rows = body.count("<tr>") - 1
            results.append({"page": label, "path": path, "rows": rows,
                            "bytes": len(body), "n": a.repeat,
                            "server_ms_p50": round(pct(got, 50), 2),
                            "server_ms_p99": round(pct(got, 99), 2),
                            "client_ms_p50": round(pct(wall, 50), 2),
                            "client_ms_p99": round(pct(wall, 99), 2)})
        print(f"hosts: {total.group(1).strip() if total else '?'}")
        print(f"{'page':40} {'rows':>5} {'KiB':>6} {'server p50':>10} "
              f"{'p99':>7} {'client p50':>10} {'p99':>7}")
        for r in results:
            print(f"{r['page']:40} {r['rows']:5} {r['bytes'] / 1024:6.0f} "
                  f"{r['server_ms_p50']:10.2f} {r['server_ms_p99']:7.2f} "
                  f"{r['client_ms_p50']:10.2f} {r['client_ms_p99']:7.2f}")
        print("RESULT " + json.dumps(results))
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
