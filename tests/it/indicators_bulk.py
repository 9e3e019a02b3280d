#!/usr/bin/env python3
"""A 200 000-line indicator list imports through the API in one request
(docs/api.md, "Importing indicators"), on whichever store driver the
test runs against: every line is counted as new and every value is
stored (the list's total); importing the same list again finds every
value there, and a list of which half is new stores just that half."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check  # noqa: E402

N = 200000


def body(start, n):
    # domains, addresses and hashes, as a real blocklist mixes them
    out = []
    for i in range(start, start + n):
        k = i % 4
        if k == 0:
            out.append(f"host{i}.bulk.example")
        elif k == 1:
            out.append(f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}")
        elif k == 2:
            out.append(f"{i:064x}")
        else:
            out.append(f"http://url{i}.bulk.example/p")
    return ("\n".join(out) + "\n").encode()


def total(c):
    r = c.request("GET", "/api/v1/indicators?tenant=acme&limit=1")
    check(r.status == 200, f"list: {r}")
    return r.json["total"]


def imp(c, data):
    r = c.request("POST", "/api/v1/indicators/import?tenant=acme"
                  "&source=bulk&format=list", raw=data, ctype="text/plain",
                  timeout=3600)
    check(r.status == 200, f"import: {r}")
    return r.json["counts"]


def main():
    # One request carries the whole list and is answered only when every
    # value is stored: the server's request deadline is raised so that
    # the test counts stored rows, not how fast this machine stores them
    # (a sanitizer build is several times slower).
    os.environ["RAMPART_HTTP_CONNECTION_TIMEOUT"] = "3600"
    srv = Server().start()
    try:
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"],
                      b["totp_secret"]).status == 200, "admin login")
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": "acme", "name": "acme"}).status == 201,
              "tenant")
        n = imp(a, body(0, N))
        check(n["new"] == N and n["invalid"] == 0, f"first import: {n}")
        check(total(a) == N, f"stored: {total(a)} of {N}")
        n = imp(a, body(0, N))
        check(n["new"] == 0 and n["updated"] + n["unchanged"] == N,
              f"again: {n}")
        n = imp(a, body(N // 2, N))
        check(n["new"] == N // 2
              and n["updated"] + n["unchanged"] == N // 2, f"half: {n}")
        check(total(a) == N + N // 2, f"stored: {total(a)}")
        print("indicators_bulk: ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
