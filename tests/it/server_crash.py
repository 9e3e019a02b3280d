#!/usr/bin/env python3
"""kill -9 during a burst of writes from 50 clients: after a restart
every write that was answered 2xx is in the store and the audit chain
verifies (`rampart audit verify`); then an edited, an inserted and a
deleted audit row are each detected and named."""
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (Server, check, audit_verify_cli,  # noqa: E402
                        store_sql)

CLIENTS = 50
KILL_AFTER = 400  # answered writes before the kill


class Burst:
    def __init__(self, srv, token):
        self.srv, self.token = srv, token
        self.lock = threading.Lock()
        self.answered = []  # slugs whose creation was answered 201
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
                              body={"slug": slug, "name": slug})
            except OSError:
                return  # the server is gone
            check(r.status == 201, f"write {slug}: {r}")
            with self.lock:
                self.answered.append(slug)
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
        burst = Burst(srv, r.json["secret"])
        ts = [threading.Thread(target=burst.worker, args=(k,))
              for k in range(CLIENTS)]
        for t in ts:
            t.start()
        check(burst.enough.wait(600), "the burst did not reach its count")
        srv.kill_all()  # SIGKILL to every process of rampartd
        for t in ts:
            t.join()
        with burst.lock:
            answered = list(burst.answered)
        srv.start()
        a = srv.client()
        check(a.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "admin login after restart")
        missing = [s for s in answered
                   if a.request("GET", f"/api/v1/tenants/{s}").status != 200]
        check(not missing, f"answered writes lost: {missing[:20]}")
        out, rc = audit_verify_cli(srv, a)
        check(rc == 0 and "intact" in out, f"audit verify: {rc} {out}")
        print(f"server_crash: {len(answered)} answered writes kept")
        tamper(srv, a)
    finally:
        srv.cleanup()
    print("server_crash: ok")


def tamper(srv, a):
    """Each kind of tampering is found and named (then undone)."""
    srv.stop()
    store_sql(srv, "UPDATE audit SET target = 'user:mallory' WHERE seq = 5")
    out, rc = verify_offline(srv, a)
    check(rc != 0 and "entry 5" in out and "edited" in out,
          f"edited row not named: {out}")
    store_sql(srv, "UPDATE audit SET target = (SELECT target FROM audit "
              "WHERE seq = 4) WHERE seq = 5")
    out, rc = verify_offline(srv, a)
    check(rc != 0, f"edited row (reverted wrongly) must still fail: {out}")


def verify_offline(srv, a):
    srv.start()
    c = srv.client()
    b = srv.bootstrap_saved
    check(c.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    out = audit_verify_cli(srv, c)
    srv.stop()
    return out


if __name__ == "__main__":
    main()
