#!/usr/bin/env python3
"""The web UI's indicator pages through their forms, on a real rampartd:
the list and its filters, an import by upload (the Sophos 3CX list) that
shows its counts, a refused STIX upload that shows the pattern, a change
of mode, TLP and expiry, and a deletion; a viewer is offered no form
and its posts are refused; every post needs the form token."""
import json
import os
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check  # noqa: E402

SHARED = os.environ["RAMPART_SHARED_DATA"]
SOPHOS = os.path.join(SHARED, "3cx", "sophos-3CX-IoCs-2023-03.csv")


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    check(m is not None, "no form token on the page")
    return m.group(1)


def multipart(fields, filename, data):
    b = uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += (f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\""
                f"\r\n\r\n{v}\r\n").encode()
    out += (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: "
            f"application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return out, f"multipart/form-data; boundary={b}"


def form(c, path, fields):
    body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
    return c.request("POST", path, raw=body,
                     ctype="application/x-www-form-urlencoded")


def main():
    srv = Server().start()
    try:
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "admin login")
        check(a.request("POST", "/api/v1/tenants", body={
            "slug": "acme", "name": "Acme"}).status == 201, "tenant")
        r = a.request("POST", "/api/v1/users", body={
            "name": "vic", "role": "viewer", "tenants": ["acme"],
            "totp": False})
        check(r.status == 201, f"viewer: {r}")
        v = srv.client()
        check(v.login("vic", r.json["password"]).status == 200, "vic login")

        r = a.request("GET", "/indicators")
        check(r.status == 200, f"/indicators: {r.status}")
        html = r.body.decode()
        check("No indicator matches." in html
              and 'action="/indicators"' in html, "empty list with a form")
        token = csrf_of(html)

        body, ctype = multipart({"csrf": token, "format": "csv",
                                 "source": "3cx", "tenant": "acme"},
                                "sophos.csv", open(SOPHOS, "rb").read())
        r = a.request("POST", "/indicators", raw=body, ctype=ctype)
        html = r.body.decode()
        check(r.status == 200 and "30 new, 0 updated, 0 unchanged" in html
              and "Imported into 3cx" in html, f"upload: {r.status}")
        check(html.count('href="/indicators/') == 30,
              "the list after the upload")

        stix = json.dumps({"type": "bundle", "id": "bundle--x", "objects": [
            {"type": "indicator", "id": "indicator--y",
             "pattern_type": "stix",
             "pattern": "[file:size > 1000]"}]}).encode()
        body, ctype = multipart({"csrf": token, "format": "stix",
                                 "source": "s", "tenant": "acme"},
                                "bad.json", stix)
        r = a.request("POST", "/indicators", raw=body, ctype=ctype)
        check(r.status == 422 and "[file:size &gt; 1000]" in r.body.decode(),
              f"bad STIX upload: {r.status}")

        r = a.request("GET", "/indicators?type=domain&tenant=acme")
        html = r.body.decode()
        ids = re.findall(r'href="/indicators/([0-9]+)"', html)
        check(len(ids) > 0 and all(
            a.request("GET", f"/api/v1/indicators/{i}").json["type"]
            == "domain" for i in ids), "the type filter")
        iid = ids[0]
        r = a.request("GET", f"/indicators/{iid}")
        check(r.status == 200 and f'action="/indicators/{iid}"'
              in r.body.decode(), "the indicator's page")

        r = form(a, f"/indicators/{iid}", {"mode": "block", "tlp": "red",
                                           "expires": "2030-01-02"})
        check(r.status == 403, f"a change without the form token: {r}")
        r = form(a, f"/indicators/{iid}", {
            "csrf": token, "mode": "inform", "tlp": "red",
            "expires": "2030-01-02"})
        check(r.status == 303, f"change: {r.status} {r.body[:300]}")
        ind = a.request("GET", f"/api/v1/indicators/{iid}").json
        check(ind["mode"] == "inform" and ind["tlp"] == "red"
              and ind["expires"] == "2030-01-02T00:00:00Z",
              f"changed: {ind}")
        r = form(a, f"/indicators/{iid}", {
            "csrf": token, "mode": "source", "tlp": "amber", "expires": ""})
        ind = a.request("GET", f"/api/v1/indicators/{iid}").json
        check(r.status == 303 and ind["mode"] is None
              and ind["expires"] is None, f"back: {ind}")
        r = form(a, f"/indicators/{iid}", {
            "csrf": token, "mode": "block", "tlp": "amber",
            "expires": "soon"})
        check(r.status == 400, f"a bad date: {r.status}")

        # a viewer sees the pages without forms, and cannot post
        r = v.request("GET", f"/indicators/{iid}")
        html = r.body.decode()
        check(r.status == 200 and 'method="post" action="/indicators/'
              not in html, "a viewer is offered a form")
        vt = csrf_of(v.request("GET", "/indicators").body.decode())
        r = form(v, f"/indicators/{iid}/delete", {"csrf": vt})
        check(r.status == 403, f"viewer deletes: {r.status}")

        r = form(a, f"/indicators/{iid}/delete", {"csrf": token})
        check(r.status == 303, f"delete: {r.status}")
        check(a.request("GET", f"/api/v1/indicators/{iid}").status == 404,
              "deleted")
        check(a.request("GET", f"/indicators/{iid}").status == 404,
              "the deleted indicator's page")
        print("web_indicators: ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
