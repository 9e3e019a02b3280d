#!/usr/bin/env python3
"""rampartd as a daemon, end to end, on a loopback port with a fresh state
directory (as root, with the system user 'rampart'):

- first start prints the certificate's SHA-256 fingerprint (the one
  `openssl x509 -fingerprint -sha256` gives for the written file) and the
  bootstrap administrator's credentials, then the ready line;
- HTTPS answers /api/v1/health with the security headers, /metrics in
  OpenMetrics, a Content-Length over http.body_max gets 413 JSON without
  the body being read, a chunked body over it is cut off, and a client
  that trickles a request byte by byte is disconnected;
- the http role runs as 'rampart' with no groups and no new privileges,
  holds no descriptor on the TLS key, and cannot read it (0600 root in a
  0700 root directory); the database directory is the service user's;
- SIGHUP reloads the log level and keeps serving; a killed http role is
  restarted; SIGTERM stops every role and exits 0;
- a second start keeps the certificate and the data: no credentials;
- plain HTTP on a non-loopback address and a bad configuration line are
  refused with exit code 2.

Everything waits on events (lines printed, processes exiting, sockets
closing); nothing compares times.  Needs the real store and API merged
into the tree (RAMPARTD_BIN is built only then).
"""
import http.client
import os
import pwd
import queue
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

BIN = os.environ.get("RAMPARTD_BIN")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """A running rampartd whose stdout and stderr lines are queued."""

    def __init__(self, args, cwd, env=None):
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen([BIN] + args, cwd=cwd, env=e,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.out, self.err = queue.Queue(), queue.Queue()
        self.out_lines, self.err_lines = [], []
        for stream, q in ((self.proc.stdout, self.out),
                          (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, q),
                             daemon=True).start()

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line)
        q.put(None)

    def wait_line(self, q, keep, pattern):
        """Lines until one matches (returned) or the stream ends (None)."""
        while True:
            line = q.get()
            if line is None:
                return None
            keep.append(line)
            if re.search(pattern, line):
                return line

    def wait_out(self, pattern):
        return self.wait_line(self.out, self.out_lines, pattern)

    def wait_err(self, pattern):
        return self.wait_line(self.err, self.err_lines, pattern)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait()


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                st = f.read()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", st, re.M):
            kids.append((int(d), st))
    return kids


def role_kids(pid, user, name=None):
    """The children of pid running as user (http and worker: rampart,
    signer: rampart-signer); with name, only the role of that name
    (/proc/PID/comm is rampartd-ROLE); without, the worker is left out."""
    uid = str(pwd.getpwnam(user).pw_uid)
    return [k for k in children(pid)
            if re.search(r"^Uid:\s+(\d+)", k[1], re.M).group(1) == uid
            and (re.search(r"^Name:\s+(\S+)", k[1], re.M).group(1) ==
                 "rampartd-" + name if name else
                 "Name:\trampartd-worker" not in k[1])]


def https(port, cafile, method, path, body=None, headers=None):
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def first_start(tmp, port, var):
    d = Daemon(["--listen", f"127.0.0.1:{port}", "--state-dir", var], tmp,
               {"RAMPART_HTTP_BODY_MAX": "4096",
                "RAMPART_HTTP_CONNECTION_TIMEOUT": "2",
                "RAMPART_LOG_TARGET": "stderr"})
    fp = d.wait_out(r"SHA-256 fingerprint: ")
    check(fp is not None, "first start prints the fingerprint")
    cert = os.path.join(var, "tls", "cert.pem")
    want = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                           "-sha256", "-in", cert], capture_output=True,
                          text=True, check=True).stdout.strip()
    want = want.split("=", 1)[1]
    check(fp is not None and fp.strip().endswith(want),
          f"printed fingerprint {fp!r} is openssl's {want}")
    ready = d.wait_out(r"^rampartd: ready: ")
    check(ready is not None and f"https://127.0.0.1:{port}" in ready,
          "ready line after the http role serves")
    out = "".join(d.out_lines)
    check("password:" in out and "TOTP secret:" in out,
          "first start prints the bootstrap credentials")
    pw = re.search(r"password:\s+(\S+)", out)
    if pw:
        check(pw.group(1) not in "".join(d.err_lines),
              "the bootstrap password is not in the log")
    return d, want, cert


def check_http(d, port, cert):
    r, data = https(port, cert, "GET", "/api/v1/health")
    check(r.status == 200 and b'"ok"' in data, f"health: {r.status} {data!r}")
    check(r.getheader("Cache-Control") == "no-store", "Cache-Control")
    check(r.getheader("X-Content-Type-Options") == "nosniff", "nosniff")
    check((r.getheader("Strict-Transport-Security") or "")
          .startswith("max-age="), "HSTS over TLS")
    check("default-src 'none'" in (r.getheader("Content-Security-Policy")
                                  or ""), "CSP")
    # The request is counted when it completes, after the client has its
    # answer: its log line, written just after the count, says it has.
    check(d.wait_err(r"msg=request method=GET route=\"?(GET )?/api/v1/health")
          is not None, "the health request is logged")
    r, data = https(port, cert, "GET", "/metrics")
    text = data.decode()
    check(r.status == 200 and r.getheader("Content-Type") ==
          "application/openmetrics-text; version=1.0.0; charset=utf-8",
          "metrics content type")
    check(text.endswith("# EOF\n"), "metrics end with # EOF")
    check('rampart_http_requests_total{route="/api/v1/health",'
          'method="GET",status="200"} 1\n' in text, "request counter")
    check('rampart_http_request_duration_seconds_bucket{route='
          '"/api/v1/health",le="+Inf"} 1\n' in text, "histogram +Inf")
    check('rampart_http_request_duration_seconds_count{route='
          '"/api/v1/health"} 1\n' in text, "histogram count")
    check(re.search(r'_bucket\{route="/api/v1/health",le="1\.0"\} 1\n',
                    text) is not None, "canonical bucket bound")
    check("rampart_agents_online 0\n" in text, "agents gauge")
    check("rampart_store_queries_total " in text, "store counter")
    check("process_start_time_seconds " in text, "start time")
    # Announced body over the cap: 413 JSON before reading it.
    r, data = https(port, cert, "POST", "/api/v1/login", body=b"x" * 5000,
                    headers={"Content-Type": "application/json"})
    check(r.status == 413 and b'"payload_too_large"' in data,
          f"413 over http.body_max: {r.status} {data!r}")


def check_chunked_and_slow(port, cert):
    ctx = ssl.create_default_context(cafile=cert)
    # A chunked body past the cap: the connection is closed, no answer.
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                        server_hostname="127.0.0.1")
    s.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    got = b""
    try:
        for _ in range(8):
            s.sendall(b"400\r\n" + b"y" * 1024 + b"\r\n")
        s.sendall(b"0\r\n\r\n")
        got = s.recv(4096)
    except (ConnectionError, ssl.SSLError):
        pass
    s.close()
    check(not got.startswith(b"HTTP/1.1 200"),
          f"chunked body over the cap refused: {got[:40]!r}")
    # One byte at a time, each as soon as the socket is quiet: only the
    # request deadline ends this (MHD's idle timeout never fires).
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                        server_hostname="127.0.0.1")
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
    closed = False
    try:
        while True:
            s.settimeout(0.5)
            try:
                if s.recv(1) == b"":
                    closed = True
                    break
            except socket.timeout:
                s.sendall(b"X")
    except (ConnectionError, ssl.SSLError):
        closed = True
    s.close()
    check(closed, "a trickling client is disconnected")


def check_privileges(d, var):
    svc = pwd.getpwnam("rampart")
    kids = children(d.proc.pid)
    check(len(kids) == 3, f"three roles running: {[k[0] for k in kids]}")
    worker = role_kids(d.proc.pid, "rampart", "worker")
    check(len(worker) == 1, "the worker runs as rampart")
    for _, st in worker:
        check(re.search(r"^NoNewPrivs:\s+1$", st, re.M) is not None and
              re.search(r"^CapEff:\s+0+$", st, re.M) is not None,
              "the worker has no privileges")
    signer = role_kids(d.proc.pid, "rampart-signer")
    check(len(signer) == 1, "the signer runs as rampart-signer")
    for _, st in signer:
        check(re.search(r"^NoNewPrivs:\s+1$", st, re.M) is not None and
              re.search(r"^CapEff:\s+0+$", st, re.M) is not None,
              "the signer has no privileges")
    kids = role_kids(d.proc.pid, "rampart")
    check(len(kids) == 1, f"one http role: {[k[0] for k in kids]}")
    if not kids:
        return None
    pid, st = kids[0]
    uid = re.search(r"^Uid:\s+(.*)$", st, re.M).group(1).split()
    gid = re.search(r"^Gid:\s+(.*)$", st, re.M).group(1).split()
    groups = re.search(r"^Groups:\s*(.*)$", st, re.M).group(1).split()
    check(uid == [str(svc.pw_uid)] * 4, f"http role uids {uid}")
    check(gid == [str(svc.pw_gid)] * 4, f"http role gids {gid}")
    check(groups in ([], [str(svc.pw_gid)]), f"http role groups {groups}")
    check(re.search(r"^NoNewPrivs:\s+1$", st, re.M) is not None,
          "http role has no new privileges")
    check(re.search(r"^CapEff:\s+0+$", st, re.M) is not None,
          "http role has no capabilities")
    tls = os.path.realpath(os.path.join(var, "tls"))
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        check(not target.startswith(tls), f"http role holds {target}")
    key = os.path.join(var, "tls", "key.pem")
    ks, ds = os.stat(key), os.stat(os.path.join(var, "tls"))
    check(ks.st_uid == 0 and ks.st_mode & 0o7777 == 0o600, "key 0600 root")
    check(ds.st_uid == 0 and ds.st_mode & 0o7777 == 0o700, "tls/ 0700 root")
    db = os.stat(os.path.join(var, "db"))
    check(db.st_uid == svc.pw_uid and db.st_mode & 0o7777 == 0o700,
          "db/ is the service user's, 0700")
    r = subprocess.run(["setpriv", "--reuid=rampart", "--regid=rampart",
                        "--clear-groups", "cat", key], capture_output=True)
    check(r.returncode != 0 and b"PRIVATE" not in r.stdout,
          "the service user cannot read the key")
    return pid


def check_signals(d, port, cert, conf, http_pid):
    check(http_pid != 0, "the http role is running")
    with open(conf, "w") as f:
        f.write("[log]\nlevel = debug\ntarget = stderr\n")
    d.proc.send_signal(signal.SIGHUP)
    line = d.wait_err(r'msg="configuration reloaded"')
    check(line is not None and "log_level=debug" in line,
          f"SIGHUP reloads the log level: {line!r}")
    r, _ = https(port, cert, "GET", "/api/v1/health")
    check(r.status == 200, "serving after SIGHUP")
    os.kill(http_pid, signal.SIGKILL)
    check(d.wait_err(r"msg=\"role died\" role=http") is not None,
          "the parent sees the http role die")
    check(d.wait_err(r"msg=\"role started\" role=http") is not None,
          "the parent restarts the http role")
    check(d.wait_err(r"role=http msg=serving") is not None,
          "the restarted role serves")
    r, _ = https(port, cert, "GET", "/api/v1/health")
    check(r.status == 200, "serving after the restart")
    kids = [k[0] for k in children(d.proc.pid)]
    check(d.stop() == 0, "SIGTERM: exit 0")
    for k in kids:
        check(not os.path.exists(f"/proc/{k}/status") or
              "zombie" in open(f"/proc/{k}/status").read(),
              f"role {k} gone after the parent")


def second_start(tmp, port, var, fp):
    d = Daemon(["--listen", f"127.0.0.1:{port}", "--state-dir", var], tmp,
               {"RAMPART_LOG_TARGET": "stderr"})
    line = d.wait_out(r"SHA-256 fingerprint: ")
    check(line is not None and line.strip().endswith(fp),
          "second start keeps the certificate")
    check(d.wait_out(r"^rampartd: ready: ") is not None, "second ready")
    check("password:" not in "".join(d.out_lines),
          "second start prints no credentials")
    r, _ = https(port, os.path.join(var, "tls", "cert.pem"), "GET",
                 "/api/v1/health")
    check(r.status == 200, "second start serves")
    check(d.stop() == 0, "second SIGTERM: exit 0")


def refusals(tmp, port):
    r = subprocess.run([BIN, "--plain-http", "--listen", f"0.0.0.0:{port}",
                        "--state-dir", os.path.join(tmp, "v2")],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "not loopback" in r.stderr,
          f"plain HTTP off loopback refused: {r.returncode} {r.stderr}")
    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as f:
        f.write("[http]\nthreads = lots\n")
    r = subprocess.run([BIN, "--config", bad], capture_output=True,
                       text=True)
    check(r.returncode == 2 and f"{bad}:2: http.threads" in r.stderr,
          f"bad value names file:line: {r.stderr}")


def main():
    if not BIN or not os.access(BIN, os.X_OK):
        print("FAIL: RAMPARTD_BIN is not set: rampartd is built only once "
              "src/server/api and src/server/store are in the tree",
              file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("FAIL: this test starts rampartd as root", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="rampartd-it.") as tmp:
        os.chmod(tmp, 0o755)
        var = os.path.join(tmp, "var")
        conf = os.path.join(tmp, "rampartd.conf")
        with open(conf, "w") as f:
            f.write("[log]\nlevel = info\n")
        port = free_port()
        d, fp, cert = first_start(tmp, port, var)
        try:
            check_http(d, port, cert)
            check_chunked_and_slow(port, cert)
            check(d.wait_err(r"body over http.body_max") is not None,
                  "the chunked body was cut at the cap")
            check(d.wait_err(r"longer than http.connection_timeout")
                  is not None, "the request deadline closed the trickle")
            http_pid = check_privileges(d, var)
        finally:
            if failures:
                d.proc.kill()
        if not failures:
            d.proc.send_signal(signal.SIGTERM)
            check(d.proc.wait() == 0, "first stop: exit 0")
            d = Daemon(["--config", conf, "--listen", f"127.0.0.1:{port}",
                        "--state-dir", var], tmp)
            check(d.wait_out(r"^rampartd: ready: ") is not None,
                  "start with a configuration file")
            kids = role_kids(d.proc.pid, "rampart")
            check_signals(d, port, cert, conf, kids[0][0] if kids else 0)
            second_start(tmp, port, var, fp)
            refusals(tmp, port)
        print("\n".join(d.err_lines[-30:]), file=sys.stderr) \
            if failures else None
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
