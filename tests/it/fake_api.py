#!/usr/bin/env python3
"""A stand-in for rampartd's JSON API (docs/api.md) on loopback, for
tests/it/cli_api.sh: enough of each route to drive the CLI's commands,
with the API's error objects, cursors and cookie.  Not a server: one
user (alice / pw, TOTP 123456), five tenants, canned answers.

Usage: fake_api.py PORTFILE LOGFILE AUDITFILE
Writes the port it listens on to PORTFILE once it accepts connections;
logs each request (method, path, headers that matter, body) to LOGFILE
as JSON lines; answers GET /api/v1/audit from AUDITFILE (re-read each
time, {"items": [...], "head": {...}}), paged like any list.
"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

SESSION = "sess_0123456789abcdef"
TOKEN = "rpt_good"
TENANTS = [{"id": i, "slug": "t%d" % i, "name": "Tenant %d" % i,
            "created_at": "2026-01-0%dT00:00:00Z" % i} for i in range(1, 6)]
ALICE = {"id": 1, "name": "alice", "display": "Alice", "role": "msp-admin",
         "tenants": [], "totp": True, "disabled": False,
         "created_at": "2026-01-01T00:00:00Z"}


def page(items, q):
    limit = int(q.get("limit", ["50"])[0])
    start = int(q.get("after", ["0"])[0])
    chunk = items[start:start + limit]
    nxt = str(start + limit) if start + limit < len(items) else None
    return {"items": chunk, "next": nxt}


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, obj=None, headers=()):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, msg, field=None, extra=None):
        e = {"code": code, "message": msg}
        if field:
            e["field"] = field
        e.update(extra or {})
        self.send(status, {"error": e})

    def authed(self):
        cookie = self.headers.get("Cookie", "")
        auth = self.headers.get("Authorization", "")
        return cookie == "rampart_session=" + SESSION or \
            auth == "Bearer " + TOKEN

    def handle_any(self, method):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        n = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(n) if n else b""
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({
                "method": method, "path": u.path, "query": u.query,
                "ctype": self.headers.get("Content-Type"),
                "cookie": self.headers.get("Cookie"),
                "auth": self.headers.get("Authorization"),
                "body": body.decode("utf-8", "replace")}) + "\n")
        if body and self.headers.get("Content-Type") != "application/json":
            return self.error(415, "unsupported_media_type", "send JSON")
        p = u.path
        if method == "POST" and p == "/api/v1/login":
            b = json.loads(body)
            if b.get("user") == "alice" and b.get("password") == "pw" and \
                    b.get("totp") == "123456":
                return self.send(200, {"user": ALICE,
                                       "expires_at": "2026-01-01T08:00:00Z"},
                                 [("Set-Cookie", "rampart_session=%s; Path=/;"
                                   " HttpOnly; Secure; SameSite=Strict"
                                   % SESSION)])
            return self.error(401, "login_failed",
                              "wrong user, password or TOTP code")
        if not self.authed():
            return self.error(401, "unauthorized", "no credentials")
        if method == "POST" and p == "/api/v1/logout":
            return self.send(204, None, [("Set-Cookie",
                                          "rampart_session=; Max-Age=0")])
        if method == "GET" and p == "/api/v1/me":
            cookie = self.headers.get("Cookie", "")
            return self.send(200, {
                "kind": "session" if cookie else "token", "user": ALICE,
                "role": "msp-admin", "tenants": []})
        if method == "GET" and p == "/api/v1/tenants":
            return self.send(200, page(TENANTS, q))
        if method == "POST" and p == "/api/v1/tenants":
            b = json.loads(body)
            if b["slug"] == "taken":
                return self.error(409, "conflict", "slug: taken", "/slug")
            return self.send(201, {"id": 9, "slug": b["slug"],
                                   "name": b["name"],
                                   "created_at": "2026-01-09T00:00:00Z"})
        if method == "POST" and p == "/api/v1/tokens":
            b = json.loads(body)
            return self.send(201, {"token": {
                "id": "tok_1", "name": b["name"], "user": "alice",
                "role": b.get("role", "msp-admin"),
                "tenants": b.get("tenants", []),
                "created_at": "2026-01-01T00:00:00Z", "expires_at": None,
                "revoked_at": None, "last_used": None},
                "secret": "rpt_shown_once_secret"})
        if method == "POST" and p == "/api/v1/advisories":
            if b"bad" in body:
                return self.error(422, "advisory_invalid", "rejected",
                                  "/document/tracking/id", {"details": [
                                      {"test": "6.1.1", "pointer":
                                       "/document/tracking/id",
                                       "message": "missing"},
                                      {"test": "6.1.8", "pointer":
                                       "/vulnerabilities/0/cve",
                                       "message": "invalid \x1b[31mCVE"}]})
            tenants = q.get("tenants", [""])[0]
            return self.send(201, {
                "id": "adv_1", "doc_id": "ACME-2026-001",
                "publisher": "Acme", "format": "csaf", "title": "t",
                "severity": "high", "cves": ["CVE-2026-0001"],
                "scope": "tenants" if tenants else "msp",
                "tenants": tenants.split(",") if tenants else [],
                "revision": 1, "version": "1", "current_release": "x",
                "imported_at": "x", "imported_by": "alice"})
        if method == "GET" and p == "/api/v1/audit":
            with open(sys.argv[3]) as f:
                log = json.load(f)
            out = page(log["items"], q)
            out["head"] = log["head"]
            return self.send(200, out)
        return self.error(404, "not_found", "no such route")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


srv = HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
