"""Helpers for the server's integration tests: start a real rampartd on
loopback with its own state directory, talk HTTPS to it with the
certificate pinned by fingerprint (as the CLI does), compute TOTP codes.

Environment: RAMPARTD_BIN (the daemon), RAMPART_BIN (the CLI),
RAMPART_TEST_DB (set by scripts/pg-test.sh for PostgreSQL runs; SQLite
otherwise).  Nothing here sleeps for a fixed time: waits are on the
daemon's output or on the process.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

FP_RE = re.compile(r"((?:[0-9A-F]{2}:){31}[0-9A-F]{2})")


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def wall_step():
    """The RFC 6238 step of the wall clock: TOTP codes are a function of
    the time of day; this reads the clock and measures nothing."""
    return int(time.time()) // 30


def totp(secret, t=None, step_offset=0):
    """RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = (wall_step() if t is None else int(t) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


_last_step = {}


def totp_next(secret):
    """A code the server has not seen yet: each code is accepted once, and
    the server takes the step before and after the current one, so up to
    two logins per 30-second step work without waiting."""
    now = wall_step()
    step = max(now, _last_step.get(secret, -1) + 1)
    check(step <= now + 1, "more than two logins of one user in 30 s")
    _last_step[secret] = step
    return totp(secret, step * 30)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def code(self):
        return (self.json or {}).get("error", {}).get("code")

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Client:
    """HTTPS to one server, pinned to its certificate's SHA-256."""

    def __init__(self, host, port, fingerprint, tls=True):
        self.host, self.port, self.fp, self.tls = host, port, fingerprint, tls
        self.cookie = None
        self.token = None

    def _conn(self, timeout=60):
        if not self.tls:
            return http.client.HTTPConnection(self.host, self.port,
                                              timeout=timeout)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # pinned below instead
        c = http.client.HTTPSConnection(self.host, self.port, context=ctx,
                                        timeout=timeout)
        c.connect()
        der = c.sock.getpeercert(binary_form=True)
        got = hashlib.sha256(der).hexdigest().upper()
        want = self.fp.replace(":", "").upper()
        if got != want:
            c.close()
            raise ssl.SSLError(f"fingerprint mismatch: {got} != {want}")
        return c

    def request(self, method, path, body=None, raw=None, ctype=None,
                cookie=None, token=None, headers=None, timeout=60):
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if ctype is not None:
            h["Content-Type"] = ctype
        ck = cookie if cookie is not None else self.cookie
        tk = token if token is not None else self.token
        if ck:
            h["Cookie"] = f"rampart_session={ck}"
        if tk:
            h["Authorization"] = f"Bearer {tk}"
        c = self._conn(timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            out = Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()
        sc = out.header("Set-Cookie")
        if sc and sc.startswith("rampart_session=") and cookie is None:
            self.cookie = sc.split(";", 1)[0].split("=", 1)[1] or None
        return out

    def login(self, user, password, secret=None, t=None):
        body = {"user": user, "password": password}
        if secret:
            body["totp"] = totp(secret, t) if t is not None \
                else totp_next(secret)
        return self.request("POST", "/api/v1/login", body=body)


class Server:
    """One rampartd: start() returns once it says it is serving."""

    def __init__(self, state_dir=None, db=None, extra=None):
        self.bin = os.environ["RAMPARTD_BIN"]
        self.own_dir = state_dir is None
        self.dir = state_dir or tempfile.mkdtemp(prefix="rampartd-")
        # The http role runs as the service user: it must reach db/.
        os.chmod(self.dir, 0o755)
        self.db = db if db is not None else os.environ.get(
            "RAMPART_TEST_DB")
        self.extra = extra or []
        self.port = None
        self.proc = None
        self.out = ""
        self.fingerprint = None
        self.bootstrap = None

    def start(self, port=None):
        self.port = port or self.port or free_port()
        args = [self.bin, "--state-dir", self.dir, "--listen",
                f"127.0.0.1:{self.port}"] + self.extra
        if self.db:
            args += ["--db", self.db]
        env = dict(os.environ)
        env.pop("JOURNAL_STREAM", None)
        # A session of its own, so kill_all reaches every role.
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        self.out = ""
        self._wait_for(READY_RE)
        m = FP_RE.search(self.out)
        check(m is not None, f"no certificate fingerprint in:\n{self.out}")
        self.fingerprint = m.group(1)
        self.bootstrap = parse_bootstrap(self.out)
        if self.bootstrap is not None:
            self.bootstrap_saved = self.bootstrap
        return self

    def _wait_for(self, pattern):
        """Reads the daemon's output until pattern appears (or it exits)."""
        fd = self.proc.stdout.fileno()
        while not pattern.search(self.out):
            r, _, _ = select.select([fd], [], [], 120)
            if not r:
                fail(f"rampartd did not get ready:\n{self.out}")
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc.wait()
                fail(f"rampartd exited {self.proc.returncode}:\n{self.out}")
            self.out += chunk.decode(errors="replace")

    def drain(self):
        """What the daemon printed since, without blocking."""
        fd = self.proc.stdout.fileno()
        while select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self.out += chunk.decode(errors="replace")
        return self.out

    def client(self):
        return Client("127.0.0.1", self.port, self.fingerprint)

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        rest = self.proc.stdout.read()
        self.out += rest.decode(errors="replace")
        rc = self.proc.wait()
        self.proc = None
        return rc

    def kill_all(self):
        """SIGKILL to the parent and every role at once (kill -9)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.stdout.read()
        self.proc.wait()
        self.proc = None

    def cleanup(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# Formats of the daemon's first lines (docs/server.md).
READY_RE = re.compile(r"^rampartd: ready: ", re.M)


def parse_bootstrap(out):
    """The one-time credentials printed at first start, or None."""
    user = re.search(r"^  user:\s+(\S+)$", out, re.M)
    pw = re.search(r"^  password:\s+(\S+)$", out, re.M)
    sec = re.search(r"^  TOTP secret:\s+([A-Z2-7]{16,})$", out, re.M)
    if not (user and pw and sec):
        return None
    return {"user": user.group(1), "password": pw.group(1),
            "totp_secret": sec.group(1)}


def store_sql(srv, sql, params=()):
    """Runs SQL on the server's store behind its back (tampering and
    expiry in tests); returns the rows."""
    if srv.db and srv.db.startswith("postgres"):
        check(not params, "store_sql: no parameters on PostgreSQL")
        out = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1",
                              srv.db, "-c", sql], capture_output=True,
                             text=True)
        check(out.returncode == 0, f"psql: {out.stderr}")
        return [line.split("|") for line in out.stdout.splitlines()]
    import sqlite3
    path = srv.db[len("sqlite:"):] if srv.db else \
        os.path.join(srv.dir, "db", "rampart.db")
    con = sqlite3.connect(path, timeout=30)
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
    finally:
        con.close()
    return rows


# The audit table's columns in the order the hash covers them (seq to
# prev), then the hash.
AUDIT_COLS = ("seq, at, actor, address, action, tenant, target, outcome, "
              "detail, prev, hash")


def audit_hash(row):
    """The hash of an audit entry from its fields seq..prev
    (src/lib/audit/audit.h)."""
    h = hashlib.sha256(b"rampart-audit-v1")
    for v in row[:10]:
        b = str(v).encode()
        h.update(f"{len(b)}:".encode() + b + b"\n")
    return h.hexdigest()


def audit_put(srv, row):
    """Inserts an audit row (every column, in AUDIT_COLS order) behind
    the server's back."""
    vals = ", ".join(str(v) if i == 0 else "'" + str(v).replace("'", "''")
                     + "'" for i, v in enumerate(row))
    store_sql(srv, f"INSERT INTO audit ({AUDIT_COLS}) VALUES ({vals})")


def expire_session(srv, cookie):
    """Makes the session of this cookie expired, as if its time had come."""
    h = hashlib.sha256(cookie.encode()).hexdigest()
    store_sql(srv, f"UPDATE sessions SET expires_at = 1 "
                   f"WHERE token_hash = '{h}'")


class Cli:
    """The rampart CLI with a profile for one server."""

    def __init__(self, srv, name="t"):
        self.bin = os.environ["RAMPART_BIN"]
        self.cfg = tempfile.mkdtemp(prefix="rampart-cli-")
        self.env = dict(os.environ, RAMPART_CONFIG_DIR=self.cfg)
        for k in ("RAMPART_SERVER", "RAMPART_TOKEN"):
            self.env.pop(k, None)
        r = self.run("server", "add", name, "--url",
                     f"https://127.0.0.1:{srv.port}", "--fingerprint",
                     srv.fingerprint)
        check(r.returncode == 0, f"server add: {r.stderr}")

    def run(self, *args, stdin=None, token=None):
        env = dict(self.env)
        if token:
            env["RAMPART_TOKEN"] = token
        return subprocess.run([self.bin] + list(args), input=stdin,
                              capture_output=True, text=True, env=env)

    def cleanup(self):
        shutil.rmtree(self.cfg, ignore_errors=True)


def audit_verify_cli(srv, token):
    """`rampart audit verify` with an msp-admin token: (output, status)."""
    cli = Cli(srv, "audit")
    try:
        r = cli.run("audit", "verify", token=token)
    finally:
        cli.cleanup()
    return r.stdout + r.stderr, r.returncode
