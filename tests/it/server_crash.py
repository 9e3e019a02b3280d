#!/usr/bin/env python3
"""kill -9 of rampartd (every process at once) during a burst of writes
from 50 clients: after a restart every write that was answered 2xx is in
the store, nothing half-written shows, and `rampart audit verify` finds
the chain intact.  Runs on SQLite, and on PostgreSQL under
scripts/pg-test.sh."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, audit_verify_cli, check  # noqa: E402

CLIENTS = 50
KILL_AFTER = 300  # answered writes before the kill


class Burst:
    def __init__(self, srv, token):
        self.srv, self.token = srv, token
        self.lock = threading.Lock()
        self.answered = []  # slugs whose creation was answered 201
        self.bad = []  # answers other than 201 before the kill
        self.enough = threading.Event()

    def worker(self, k):
        c = self.srv.client()
        c.token = self.token
        i = 0
        while True:
            slug = f"w{k}-{i}"
            i += 1
            try:
                r = c.request("POST", "/api/v1/tenants",
                              body={"slug": slug, "name": f"Tenant {slug}"})
            except (OSError, ValueError):
                return  # the server is gone (reset, TLS cut, no answer)
            with self.lock:
                if r.status == 201:
                    self.answered.append(slug)
                elif not self.enough.is_set():
                    self.bad.append((slug, r.status, r.body[:200]))
                if len(self.answered) >= KILL_AFTER:
                    self.enough.set()


def main():
    srv = Server().start()
    try:
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "admin login")
        r = a.request("POST", "/api/v1/tokens", body={"name": "burst"})
        check(r.status == 201, f"token: {r}")
        token = r.json["secret"]
        burst = Burst(srv, token)
        ts = [threading.Thread(target=burst.worker, args=(k,))
              for k in range(CLIENTS)]
        for t in ts:
            t.start()
        check(burst.enough.wait(600), "the burst did not reach its count")
        srv.kill_all()
        for t in ts:
            t.join()
        check(not burst.bad, f"writes refused during the burst: "
              f"{burst.bad[:5]}")
        answered = set(burst.answered)
        srv.start()
        c = srv.client()
        c.token = token
        stored, after = set(), None
        while True:
            q = "?limit=500" + (f"&after={after}" if after else "")
            r = c.request("GET", "/api/v1/tenants" + q)
            check(r.status == 200, f"list after restart: {r}")
            stored |= {t["slug"] for t in r.json["items"]
                       if t["name"] == f"Tenant {t['slug']}"}
            after = r.json["next"]
            if after is None:
                break
        lost = answered - stored
        check(not lost, f"{len(lost)} answered writes lost: "
              f"{sorted(lost)[:10]}")
        audited, after = set(), None
        while True:
            q = "?limit=500" + (f"&after={after}" if after else "")
            r = c.request("GET", "/api/v1/audit" + q)
            check(r.status == 200, f"audit after restart: {r}")
            audited |= {e["target"] for e in r.json["items"]
                        if e["action"] == "tenant.create"}
            after = r.json["next"]
            if after is None:
                break
        check(audited == stored, "a change without its audit entry or the "
              f"reverse: {sorted(audited ^ stored)[:10]}")
        out, rc = audit_verify_cli(srv, token)
        check(rc == 0 and "chain intact" in out,
              f"audit verify after kill -9: {rc} {out}")
        print(f"server_crash: {len(answered)} answered writes, "
              f"{len(stored)} stored, chain intact")
    finally:
        srv.cleanup()
    print("server_crash: ok")


if __name__ == "__main__":
    main()
