#!/usr/bin/env python3
"""One run of bench/feeds.sh: a feed of N (default 1 000 000) entries
served by rampartd to C (default 100) parallel pollers, against the same
bytes served by a static file server on this machine.

rampartd (SQLite) gets a tenant with N block-mode IPv4 indicators,
written straight into its store while it is stopped (the API would take
most of the run to add them), and an nft feed for it.  wrk then polls the
feed URL over HTTPS with keep-alive: once with If-None-Match of the
current ETag (304 answers), once without (full answers).  The reference
is Python's http.server (ThreadingHTTPServer, HTTP/1.1 keep-alive) over
TLS, serving the feed's bytes as a file, with If-Modified-Since of the
file's time for its 304s (it does not implement If-None-Match).  wrk
waits up to 60 s for an answer, so a slow full answer counts as slow,
not as an error.
Prints a Markdown table."""

import argparse
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "it"))
from server_lib import Server, check, free_port, store_sql  # noqa: E402


def fill(srv, n):
    """N IPv4 indicators of tenant bench (public space, no reserved
    range: 11.0.0.1 up), and the tenant's version advanced."""
    tid = int(store_sql(srv, "SELECT id FROM tenants WHERE slug = 'bench'")
              [0][0])
    now = int(time.time())
    store_sql(srv, f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
                                WHERE i < {n - 1})
        INSERT INTO indicators (tenant_id, scope, type, value, size,
            confidence, first_seen, last_seen, tags, tlp, mode, sightings,
            comment, created_at, updated_at, created_by)
        SELECT {tid}, {tid}, 'ip', (11 + i / 65536) || '.' ||
            ((i / 256) % 256) || '.' || (i % 256) || '.1', 0, 50, {now},
            {now}, '', 'amber', 'block', 0, '', {now}, {now}, 'bench'
        FROM n""")
    store_sql(srv, f"""INSERT INTO indicator_versions (scope, changed_at,
        changes) VALUES ({tid}, {now}, 1) ON CONFLICT (scope) DO UPDATE
        SET changed_at = excluded.changed_at,
            changes = indicator_versions.changes + 1""")


def wrk(url, conns, seconds, header=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency",
           "--timeout", "60s"]
    if header:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: (.*)", out)
    check(bad is None, f"wrk: failed answers:\n{out}")
    return rps, p99, errs.group(1) if errs else "none"


def drain(srv, path):
    """Copies the daemon's output (one log line per request) into a file,
    so the pipe never fills and stalls it."""
    fd = srv.proc.stdout.fileno()
    with open(path, "ab") as f:
        while True:
            try:
                b = os.read(fd, 1 << 16)
            except OSError:
                return
            if not b:
                return
            f.write(b)


class Quiet(SimpleHTTPRequestHandler):
    # keep-alive, as wrk's connections and rampartd's are
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass


class Server3(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # wrk closing its connections at the end of a run


def reference(path, cert, key):
    """http.server over TLS serving the directory of path; its port."""
    os.chdir(os.path.dirname(path))
    httpd = Server3(("127.0.0.1", free_port()), Quiet)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=20)
    a = ap.parse_args()
    os.environ["RAMPARTD_BIN"] = os.path.join(a.build, "src", "server",
                                              "rampartd")
    os.environ.setdefault("RAMPART_HTTP_PER_IP_CONNECTIONS",
                          str(a.connections * 2))
    os.environ.setdefault("RAMPART_HTTP_MAX_CONNECTIONS",
                          str(a.connections * 4))
    srv = Server()
    tmp = tempfile.mkdtemp(prefix="feeds-bench-")
    try:
        srv.start()
        c = srv.client()
        b = srv.bootstrap
        check(c.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "login")
        check(c.request("POST", "/api/v1/tenants", body={
            "slug": "bench", "name": "Bench"}).status == 201, "tenant")
        r = c.request("POST", "/api/v1/feeds", body={
            "tenant": "bench", "name": "bench", "format": "nft"})
        check(r.status == 201, f"feed: {r}")
        path = r.json["url"][r.json["url"].index("/feeds/"):]
        check(srv.stop() == 0, "stop")
        fill(srv, a.entries)
        srv.start()
        threading.Thread(target=drain, args=(srv, os.path.join(
            tmp, "rampartd.log")), daemon=True).start()
        url = f"https://127.0.0.1:{srv.port}{path}"
        t0 = time.time()
        first = srv.client().request("GET", path)
        render = time.time() - t0
        check(first.status == 200, f"first fetch: {first.status}")
        etag = first.header("ETag")
        body = first.body
        fp = os.path.join(tmp, "rampart-blocklist.nft")
        with open(fp, "wb") as f:
            f.write(body)
        key, cert = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=127.0.0.1"], check=True,
                       capture_output=True)
        httpd = reference(fp, cert, key)
        ref = f"https://127.0.0.1:{httpd.server_address[1]}/" \
              "rampart-blocklist.nft"
        ims = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                            time.gmtime(os.path.getmtime(fp) + 1))
        rows = [
            ("rampartd, 304 (If-None-Match)",
             wrk(url, a.connections, a.seconds, "If-None-Match: " + etag)),
            ("http.server, 304 (If-Modified-Since)",
             wrk(ref, a.connections, a.seconds, "If-Modified-Since: " + ims)),
            ("rampartd, 200 (full list)",
             wrk(url, a.connections, a.seconds)),
            ("http.server, 200 (full list)",
             wrk(ref, a.connections, a.seconds)),
        ]
        httpd.shutdown()
        print(f"feed: {a.entries} entries, nft, {len(body)} bytes; first "
              f"render {render:.1f} s; {a.connections} pollers, "
              f"{a.seconds} s each")
        print("| server, answer | answers/s | p99 latency | socket errors |")
        print("|---|---|---|---|")
        for name, (rps, p99, errs) in rows:
            print(f"| {name} | {rps:,.0f} | {p99} | {errs} |")
        print(f"ratio rampartd / http.server: 304 "
              f"{rows[0][1][0] / rows[1][1][0]:.1f}x, 200 "
              f"{rows[2][1][0] / rows[3][1][0]:.1f}x")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
