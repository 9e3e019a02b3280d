#!/usr/bin/env python3
"""rampartd against bad input, on a real server (SQLite, or PostgreSQL
under scripts/pg-test.sh), with stored data to lose:

- malformed JSON (truncated, trailing garbage, duplicate keys, nesting
  100 000 deep), invalid UTF-8 in a string, a wrong content type, a
  Content-Length over http.body_max (413 before any of the body is sent),
  bad query arguments and a %00 in the path: each the JSON error of
  docs/api.md, status, code, field;
- a chunked body growing past the cap, a header block over
  http.header_max, a huge URL, a raw NUL in the request line, an unknown
  method, a bad HTTP version: a JSON error, or the HTTP parser's status
  line and a closed connection (docs/server.md, "What bad requests get");
- a client sending one byte a second is cut off at
  http.connection_timeout while another is served;
- 10 000 TCP connections at once from 127.0.0.1, held open, while a
  client from 127.0.0.2 gets its answers, and 127.0.0.1 is served again
  once they close;
- afterwards the same http role is serving (never restarted), the
  tenants, users, tokens and advisories are exactly those of before, and
  the audit chain verifies (`rampart audit verify`).

The server runs with the soft descriptor limit most services get (1024,
systemd's default), as it would in production; this process raises its
own to hold the 10 000 connections.  Waits are on events (answers, EOFs,
lines of the log), each bounded; nothing compares times.
"""
import hashlib
import http.client
import json
import os
import re
import resource
import select
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Client, Server, audit_verify_cli, check  # noqa: E402

CSAF = os.path.join(os.environ["RAMPART_TEST_DATA"], "3cx", "3cx-csaf.json")
TIMEOUT = 3  # http.connection_timeout for this server, seconds
BODY_MAX = 1024 * 1024  # http.body_max
HEADER_MAX = 32 * 1024  # http.header_max (the default)
FLOOD = 10000
SERVER_NOFILE = 1024  # the server's soft RLIMIT_NOFILE, as under systemd


class Src(Client):
    """A pinned client whose connections leave from a given address."""

    def __init__(self, srv, source):
        super().__init__("127.0.0.1", srv.port, srv.fingerprint)
        self.source = source

    def _conn(self, timeout=60):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        h = http.client.HTTPSConnection(self.host, self.port, context=ctx,
                                        timeout=timeout,
                                        source_address=(self.source, 0))
        h.connect()
        der = h.sock.getpeercert(binary_form=True)
        got = hashlib.sha256(der).hexdigest().upper()
        check(got == self.fp.replace(":", "").upper(), "pinned certificate")
        return h


# --- raw requests over TLS ----------------------------------------------

def tls_socket(srv, source=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=60,
                                   source_address=(source, 0) if source
                                   else None)
    s = ctx.wrap_socket(raw)
    got = hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()
    check(got.upper() == srv.fingerprint.replace(":", ""),
          "pinned certificate (raw)")
    return s


def read_to_eof(s):
    """Everything the server sends until it closes; (bytes, how) where
    how is 'eof' or the error that ended the connection."""
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except (ConnectionError, ssl.SSLError) as e:
            return out, type(e).__name__
        except socket.timeout:
            return out, "timeout"
        if not b:
            return out, "eof"
        out += b


def raw(srv, data):
    """Sends data (as much as the server takes) and reads to EOF."""
    s = tls_socket(srv)
    try:
        try:
            s.sendall(data)
        except (ConnectionError, ssl.SSLError):
            pass  # the server answered and closed before taking it all
        return read_to_eof(s)
    finally:
        s.close()


def parse(resp):
    """(status, headers dict lower-case, body) of the first answer."""
    head, _, rest = resp.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", lines[0])
    check(m is not None, f"not an HTTP answer: {resp[:200]!r}")
    hdr = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdr[k.strip().lower().decode()] = v.strip().decode("latin-1")
    n = int(hdr.get("content-length", len(rest)))
    return int(m.group(1)), hdr, rest[:n]


def check_json_error(what, resp, status, code, field=None):
    """The answer is the JSON error of docs/api.md."""
    st, hdr, body = parse(resp)
    check(st == status, f"{what}: status {st}, want {status}: {resp[:400]!r}")
    check(hdr.get("content-type", "").startswith("application/json"),
          f"{what}: Content-Type {hdr.get('content-type')!r}")
    try:
        err = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        check(False, f"{what}: not a JSON error: {body[:300]!r}")
    check(err.get("code") == code, f"{what}: code {err.get('code')}, "
          f"want {code}")
    check(isinstance(err.get("message"), str) and err["message"],
          f"{what}: no message: {err}")
    if field is not None:
        check(err.get("field") == field,
              f"{what}: field {err.get('field')!r}, want {field!r}")
    return err


def check_api_error(what, r, status, code, field=None):
    """The same for an answer of server_lib.Client."""
    check(r.status == status, f"{what}: {r}, want {status}")
    check((r.header("Content-Type") or "").startswith("application/json"),
          f"{what}: Content-Type {r.header('Content-Type')!r}")
    err = (r.json or {}).get("error") or {}
    check(err.get("code") == code and err.get("message"),
          f"{what}: want {code}: {r}")
    if field is not None:
        check(err.get("field") == field, f"{what}: field {err}")


# --- setup and the snapshot ---------------------------------------------

def setup(srv):
    boot = srv.bootstrap
    check(boot is not None, f"no bootstrap credentials:\n{srv.out}")
    admin = srv.client()
    r = admin.login(boot["user"], boot["password"], boot["totp_secret"])
    check(r.status == 200, f"admin login: {r}")
    for slug, name in (("acme", "Acme Dental"), ("globex", "Globex Law"),
                       ("initech", "Initech")):
        r = admin.request("POST", "/api/v1/tenants",
                          body={"slug": slug, "name": name})
        check(r.status == 201, f"create tenant {slug}: {r}")
    for name, role, ten in (("tina", "technician", ["acme"]),
                            ("vic", "viewer", ["acme", "globex"])):
        r = admin.request("POST", "/api/v1/users", body={
            "name": name, "role": role, "tenants": ten})
        check(r.status == 201, f"create {name}: {r}")
    r = admin.request("POST", "/api/v1/advisories?tenants=acme",
                      raw=open(CSAF, "rb").read(), ctype="application/json")
    check(r.status == 201, f"import: {r}")
    r = admin.request("POST", "/api/v1/tokens", body={"name": "hostile"})
    check(r.status == 201 and r.json["secret"].startswith("rpt_"),
          f"token: {r}")
    api = srv.client()
    api.token = r.json["secret"]
    return admin, api


def snapshot(c):
    """Everything stored that the API lists, in order."""
    snap = {}
    for what in ("tenants", "users", "advisories", "tokens"):
        r = c.request("GET", f"/api/v1/{what}?limit=500")
        check(r.status == 200 and r.json["next"] is None,
              f"list {what}: {r}")
        snap[what] = r.json["items"]
    for a in snap["advisories"]:
        r = c.request("GET", f"/api/v1/advisories/{a['id']}")
        check(r.status == 200, f"advisory {a['id']}: {r}")
        snap[f"doc {a['id']}"] = r.json["document"]
    return snap


def without_use(snap):
    """Tokens without last_used: reading the lists uses the token."""
    s = dict(snap)
    s["tokens"] = [{k: v for k, v in t.items() if k != "last_used"}
                   for t in snap["tokens"]]
    return s


def http_role_pid(srv):
    """The http role: of the parent's three children once setup has
    ended, the one not under the signer's seccomp filter and not the
    worker (named rampartd-worker)."""
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open(f"/proc/{d}/status").read()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{srv.proc.pid}$", st, re.M):
            kids.append((int(d), st))
    check(len(kids) == 3,
          f"three roles under the parent: {[k for k, _ in kids]}")
    http = [k for k, st in kids if re.search(r"^Seccomp:\s+0$", st, re.M)
            and "Name:\trampartd-worker" not in st]
    check(len(http) == 1, f"one http role under the parent: {http}")
    return http[0]


def nofile(pid):
    """The soft RLIMIT_NOFILE of a process."""
    for line in open(f"/proc/{pid}/limits"):
        if line.startswith("Max open files"):
            return int(line.split()[3])
    check(False, f"no descriptor limit for {pid}")
    return 0


# --- bad requests -------------------------------------------------------

def bad_json(srv, cookie):
    hdr = (f"Host: x\r\nCookie: rampart_session={cookie}\r\n"
           "Connection: close\r\n").encode()

    def post(body, ctype=b"application/json", path=b"/api/v1/tenants"):
        return raw(srv, b"POST " + path + b" HTTP/1.1\r\n" + hdr +
                   b"Content-Type: " + ctype + b"\r\nContent-Length: " +
                   str(len(body)).encode() + b"\r\n\r\n" + body)[0]

    cases = [
        ("truncated", b'{"slug": "evil", "name": "Ev'),
        ("trailing garbage", b'{"slug": "evil", "name": "Evil"} x'),
        ("two documents", b'{"slug": "evil", "name": "Evil"}{}'),
        ("duplicate keys",
         b'{"slug": "evil", "slug": "acme", "name": "Evil"}'),
        ("arrays 100000 deep", b"[" * 100000 + b"]" * 100000),
        ("objects 100000 deep",
         b'{"a":' * 100000 + b"1" + b"}" * 100000),
        ("invalid UTF-8 in a string",
         b'{"slug": "evil", "name": "Ev\xffil"}'),
        ("a cut UTF-8 sequence", b'{"slug": "evil", "name": "Ev\xc3"}'),
        ("an overlong UTF-8 form",
         b'{"slug": "evil", "name": "\xc0\xafx"}'),
        ("a surrogate in UTF-8",
         b'{"slug": "evil", "name": "\xed\xa0\x80"}'),
        ("a NUL escape", b'{"slug": "evil\\u0000", "name": "Evil"}'),
        ("not an object", b'["evil"]'),
        ("empty", b""),
    ]
    for what, body in cases:
        check(len(body) <= BODY_MAX, f"{what}: fits the cap")
        # Deep nesting needs more than a small route's 64 KiB: it goes
        # where documents go.
        path = b"/api/v1/advisories" if b"deep" in what.encode() \
            else b"/api/v1/tenants"
        resp = post(body, path=path)
        check_json_error(what, resp, 400, "invalid_json")
    for ctype in (b"text/plain", b"application/x-www-form-urlencoded",
                  b"application/jsonx", b"multipart/form-data; boundary=x",
                  b"application/\xff\xfe"):
        check_json_error(f"Content-Type {ctype!r}",
                         post(b'{"slug": "evil", "name": "Evil"}', ctype),
                         415, "unsupported_media_type")
    # A Content-Type header left out altogether.
    resp = raw(srv, b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
               b"Content-Length: 2\r\n\r\n{}")[0]
    check_json_error("no Content-Type", resp, 415, "unsupported_media_type")
    return hdr


def bad_caps(srv, hdr):
    # Content-Length over the cap: 413 while not one byte of the body has
    # been sent, so the server cannot have read it.
    s = tls_socket(srv)
    s.sendall(b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
              b"Content-Type: application/json\r\nContent-Length: " +
              str(BODY_MAX + 1).encode() + b"\r\n\r\n")
    resp, how = read_to_eof(s)
    s.close()
    check_json_error("Content-Length over http.body_max", resp, 413,
                     "payload_too_large")
    check(how == "eof", f"413: the connection is closed ({how})")
    resp = raw(srv, b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
               b"Content-Type: application/json\r\nContent-Length: "
               b"18446744073709551615\r\n\r\n")[0]
    check_json_error("a Content-Length of 2^64-1", resp, 413,
                     "payload_too_large")
    # Chunked past the cap: no answer can be sent before the body is
    # read, so the connection is closed at the chunk that passes it.
    s = tls_socket(srv)
    s.sendall(b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
              b"Content-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
    cut = False
    for _ in range(BODY_MAX // 0x10000 + 4):
        try:
            s.sendall(chunk)
        except (ConnectionError, ssl.SSLError):
            cut = True
            break
    if not cut:
        try:
            s.sendall(b"0\r\n\r\n")
        except (ConnectionError, ssl.SSLError):
            pass
    resp, how = read_to_eof(s)
    s.close()
    check(resp == b"" and how != "timeout",
          f"chunked body over the cap: closed without an answer "
          f"({how}, {resp[:100]!r})")
    srv._wait_for(re.compile(r"body over http.body_max; connection closed"))


def caps_by_route(srv, hdr):
    """Caps depend on the route and on who asks: before authentication a
    body may be 64 KiB at most, and a refused request is answered from its
    headers, before one byte of its body is sent."""
    anon = b"Host: x\r\nConnection: close\r\n"

    def head(path, h, length):
        s = tls_socket(srv)
        s.sendall(b"POST " + path + b" HTTP/1.1\r\n" + h +
                  b"Content-Type: application/json\r\nContent-Length: " +
                  str(length).encode() + b"\r\n\r\n")
        resp, how = read_to_eof(s)
        s.close()
        check(how == "eof", f"{path!r}: closed after the answer ({how})")
        return resp

    check_json_error("a document without credentials",
                     head(b"/api/v1/advisories", anon, BODY_MAX - 1),
                     401, "unauthorized")
    check_json_error("a 100 kB login", head(b"/api/v1/login", anon, 100000),
                     413, "payload_too_large")
    check_json_error("a 100 kB tenant, logged in",
                     head(b"/api/v1/tenants", hdr, 100000),
                     413, "payload_too_large")
    # Logged in, a document route takes up to http.body_max: this one
    # is read whole, then refused as an advisory.
    body = b'{"pad": "' + b"x" * (BODY_MAX - 100) + b'"}'
    resp = raw(srv, b"POST /api/v1/advisories HTTP/1.1\r\n" + hdr +
               b"Content-Type: application/json\r\nContent-Length: " +
               str(len(body)).encode() + b"\r\n\r\n" + body)[0]
    check_json_error("a large document, logged in", resp, 422,
                     "advisory_invalid")


def bad_http(srv, hdr):
    """Requests the HTTP parser refuses before the API sees them; each
    is answered with a status line and the connection closed, or with
    the API's JSON error."""
    # (what, request, status, JSON code or None for the parser's answer)
    cases = [
        ("a header block over http.header_max",
         b"GET /api/v1/health HTTP/1.1\r\n" + hdr + b"X-Big: " +
         b"a" * (HEADER_MAX + 1) + b"\r\n\r\n", 431, None),
        ("many headers over http.header_max",
         b"GET /api/v1/health HTTP/1.1\r\n" + hdr +
         b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(400)) +
         b"\r\n", 431, None),
        ("a URL of 100 000 bytes",
         b"GET /api/v1/" + b"a" * 100000 + b" HTTP/1.1\r\n" + hdr + b"\r\n",
         414, None),
        ("a bad HTTP version",
         b"GET /api/v1/health HTTP/7.1\r\n" + hdr + b"\r\n", 505, None),
        ("a negative Content-Length",
         b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
         b"Content-Type: application/json\r\nContent-Length: -1\r\n\r\n",
         400, None),
        ("a Content-Length past 2^64",
         b"POST /api/v1/tenants HTTP/1.1\r\n" + hdr +
         b"Content-Type: application/json\r\nContent-Length: " +
         b"9" * 29 + b"\r\n\r\n", 413, None),
        ("a raw NUL in the path",
         b"GET /api/v1/hea\x00lth HTTP/1.1\r\n" + hdr + b"\r\n",
         404, "not_found"),
        ("%00 in the path",
         b"GET /api/v1/health%00junk HTTP/1.1\r\n" + hdr + b"\r\n",
         404, "not_found"),
        ("%00 in a path parameter",
         b"GET /api/v1/tenants/acme%00x HTTP/1.1\r\n" + hdr + b"\r\n",
         404, "not_found"),
        ("a path that is not UTF-8",
         b"GET /api/v1/tenants/%ff%fe HTTP/1.1\r\n" + hdr + b"\r\n",
         404, "not_found"),
        ("an unknown method on a known path",
         b"FROBNICATE /api/v1/tenants HTTP/1.1\r\n" + hdr + b"\r\n",
         405, "method_not_allowed"),
        ("a method of 300 bytes",
         b"X" * 300 + b" /api/v1/tenants HTTP/1.1\r\n" + hdr + b"\r\n",
         405, "method_not_allowed"),
        ("a method that is not ASCII",
         b"G\xffT /api/v1/tenants HTTP/1.1\r\n" + hdr + b"\r\n",
         405, "method_not_allowed"),
        ("an unknown method on an unknown path",
         b"BREW /coffee HTTP/1.1\r\n" + hdr + b"\r\n", 404, "not_found"),
    ]
    for what, req, status, code in cases:
        resp, how = raw(srv, req)
        if code is not None:
            check_json_error(what, resp, status, code)
        else:
            st, _, _ = parse(resp)
            check(st == status, f"{what}: status {st}, want {status}")
        check(how == "eof", f"{what}: the connection is closed ({how})")
    # Query arguments: percent-encoding garbage, bytes that are not
    # UTF-8, %00, values out of range.
    q = [
        ("/api/v1/tenants?limit=%zz", "?limit"),
        ("/api/v1/tenants?limit=%", "?limit"),
        ("/api/v1/tenants?limit=%4", "?limit"),
        ("/api/v1/tenants?limit=1%00", "?limit"),
        ("/api/v1/tenants?limit=99999999999999999999999", "?limit"),
        ("/api/v1/tenants?limit=-1", "?limit"),
        ("/api/v1/tenants?after=%ff%fe", "?after"),
        ("/api/v1/tenants?after=%%%%", "?after"),
        ("/api/v1/advisories?q=%c3%28", "?q"),
        ("/api/v1/advisories?q=cve%00", "?q"),
        ("/api/v1/advisories?q=%ed%a0%80", "?q"),
        ("/api/v1/advisories/x?revision=%zz", None),
    ]
    for path, field in q:
        resp, _ = raw(srv, b"GET " + path.encode() + b" HTTP/1.1\r\n" +
                      hdr + b"\r\n")
        if field is None:  # no such advisory: 404 or the bad argument
            st, _, _ = parse(resp)
            check(st in (400, 404), f"{path}: {resp[:300]!r}")
            check_json_error(path, resp, st, "invalid_query" if st == 400
                             else "not_found")
        else:
            check_json_error(path, resp, 400, "invalid_query", field)
    resp, _ = raw(srv, b"POST /api/v1/advisories?tenants=%ff%c3 HTTP/1.1\r\n"
                  + hdr + b"Content-Type: application/json\r\n"
                  b"Content-Length: 2\r\n\r\n{}")
    check_json_error("?tenants not UTF-8", resp, 400, "invalid_query",
                     "?tenants")


# --- the slow client ------------------------------------------------------

def slow_client(srv, c):
    """One byte a second of a request far longer than the timeout allows,
    while another client is served; the server closes the slow one."""
    s = tls_socket(srv)
    req = (b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " +
           b"p" * (20 * TIMEOUT) + b"\r\n\r\n")
    started = threading.Event()
    result = {}

    def trickle():
        s.setblocking(False)
        for i, b in enumerate(req):
            try:
                s.send(bytes([b]))
            except (ConnectionError, ssl.SSLError, BlockingIOError) as e:
                result["closed"] = f"send: {type(e).__name__}"
                return
            if i == 1:
                started.set()
            time.sleep(1)  # the pacing under test
            try:
                if select.select([s], [], [], 0)[0] and s.recv(4096) == b"":
                    result["closed"] = "eof"
                    return
            except (ConnectionError, ssl.SSLError) as e:
                result["closed"] = type(e).__name__
                return
            except ssl.SSLWantReadError:
                pass
        result["sent"] = True

    t = threading.Thread(target=trickle)
    t.start()
    check(started.wait(60), "the slow client started")
    for _ in range(3):
        r = c.request("GET", "/api/v1/tenants")
        check(r.status == 200 and len(r.json["items"]) == 3,
              f"served while a client trickles: {r}")
        r = c.request("GET", "/api/v1/health")
        check(r.status == 200, f"health while a client trickles: {r}")
    # The request is 20 timeouts long: the thread ends only because the
    # server closed the connection (or fails the check below).
    t.join(len(req) + 60)
    check(not t.is_alive(), "the slow client ended")
    s.close()
    check("closed" in result,
          f"the server closed the trickling connection: {result}")
    srv._wait_for(re.compile(r"longer than http.connection_timeout"))


# --- 10 000 connections -----------------------------------------------

def flood_open(port):
    """FLOOD non-blocking connects from 127.0.0.1; returns the sockets
    and the count of each outcome once every connect has resolved (or
    is still pending in the listen backlog)."""
    socks, outcome = [], {}
    for _ in range(FLOOD):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        e = s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        if e not in (0, 115):  # EINPROGRESS
            outcome[os.strerror(e)] = outcome.get(os.strerror(e), 0) + 1
    # Which connects completed, were refused or reset, by now.
    p = select.poll()
    fds = {s.fileno(): s for s in socks}
    for fd in fds:
        p.register(fd, select.POLLOUT)
    pending = set(fds)
    while pending:
        ev = p.poll(5000)
        if not ev:
            break  # the rest wait in the backlog: counted as pending
        for fd, _ in ev:
            if fd not in pending:
                continue
            pending.discard(fd)
            p.unregister(fd)
            err = fds[fd].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            k = "connected" if err == 0 else os.strerror(err)
            outcome[k] = outcome.get(k, 0) + 1
    if pending:
        outcome["pending"] = len(pending)
    return socks, outcome


def flood(srv, api):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = FLOOD + 1000
    resource.setrlimit(resource.RLIMIT_NOFILE,
                       (max(soft, want), max(hard, want)))
    socks, outcome = flood_open(srv.port)
    print(f"server_hostile: {FLOOD} connections: {outcome}")
    check(sum(outcome.values()) == FLOOD, f"outcomes {outcome}")
    try:
        other = Src(srv, "127.0.0.2")
        other.token = api.token
        r = other.request("GET", "/api/v1/health")
        check(r.status == 200, f"health from 127.0.0.2 during: {r}")
        r = other.request("GET", "/api/v1/tenants")
        check(r.status == 200 and len(r.json["items"]) == 3,
              f"authenticated list from 127.0.0.2 during: {r}")
        r = other.request("GET", "/api/v1/advisories?q=CVE-2023-29059")
        check(r.status == 200 and len(r.json["items"]) == 1,
              f"search from 127.0.0.2 during: {r}")
    finally:
        for s in socks:
            s.close()
    srv._wait_for(re.compile(r"role=http msg=request .*address=127\.0\.0\.2"))
    return outcome


def server_side_open(port):
    """Connections the server still holds on its port (ESTABLISHED or
    CLOSE_WAIT on its side), from /proc/net/tcp."""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            local, st = line.split()[1], line.split()[3]
            if int(local.split(":")[1], 16) == port and st in ("01", "08"):
                n += 1
    return n


def served_again(srv, api):
    """127.0.0.1 is served once the server has closed the flood's
    connections (its per-address count then falls back)."""
    for _ in range(1200):
        if server_side_open(srv.port) == 0:
            break
        time.sleep(0.1)  # polling the server's sockets, not a deadline
    check(server_side_open(srv.port) == 0,
          "the server closed the flood's connections")
    r = api.request("GET", "/api/v1/tenants")
    check(r.status == 200 and len(r.json["items"]) == 3,
          f"127.0.0.1 served again after the flood: {r}")
    r = api.request("GET", "/api/v1/health")
    check(r.status == 200, f"health from 127.0.0.1 after the flood: {r}")


def main():
    os.environ["RAMPART_HTTP_CONNECTION_TIMEOUT"] = str(TIMEOUT)
    os.environ["RAMPART_HTTP_BODY_MAX"] = str(BODY_MAX)
    os.environ["RAMPART_HTTP_HEADER_MAX"] = str(HEADER_MAX)
    # The server gets the descriptor limit of a systemd service.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (SERVER_NOFILE, hard))
    srv = Server().start()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        admin, api = setup(srv)
        pid = http_role_pid(srv)
        check(nofile(pid) >= 1024 + 256,
              f"the http role raised its descriptor limit past "
              f"http.max_connections: {nofile(pid)}")
        before = snapshot(api)
        hdr = bad_json(srv, admin.cookie)
        bad_caps(srv, hdr)
        caps_by_route(srv, hdr)
        bad_http(srv, hdr)
        slow_client(srv, api)
        flood(srv, api)
        served_again(srv, api)
        check(http_role_pid(srv) == pid, "the same http role serves")
        out = srv.drain()
        check("role died" not in out and "role started\" role=http" not in
              out.split("msg=serving", 1)[1],
              f"the http role was never restarted:\n{out[-3000:]}")
        after = snapshot(api)
        check(without_use(after) == without_use(before),
              f"stored data changed:\n{before}\n{after}")
        msg, rc = audit_verify_cli(srv, api.token)
        check(rc == 0, f"audit verify: {rc} {msg}")
        r = api.request("GET", "/api/v1/audit?limit=500")
        check(r.status == 200, f"audit: {r}")
        acts = [(e["action"], e["target"]) for e in r.json["items"]]
        check(("tenant.create", "evil") not in acts,
              f"a refused request created a tenant: {acts}")
        rc = srv.stop()
        check(rc == 0, f"SIGTERM exit {rc}")
    finally:
        srv.cleanup()
    print("server_hostile: ok")


if __name__ == "__main__":
    main()
