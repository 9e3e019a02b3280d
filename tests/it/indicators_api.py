#!/usr/bin/env python3
"""Indicators through a real rampartd (docs/api.md, "Indicators"): every
real MISP event in RAMPART_SHARED_DATA/misp and the 3CX lists in
RAMPART_SHARED_DATA/3cx import with their counts (a missing file fails);
importing again changes nothing; a STIX bundle with a pattern Rampart
cannot express is rejected quoting the pattern, storing nothing;
normalisation, merge and edits; tenant scoping of indicators, sources
and allowlist entries (MSP-wide rows readable, not writable, by a
technician); and one audit entry per change, an import being one with
its counts."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check  # noqa: E402

SHARED = os.environ["RAMPART_SHARED_DATA"]
DATA = os.environ["RAMPART_TEST_DATA"]

# What each real file does on its first import (a test that cannot be
# told apart from a broken reader must fail): new, invalid, skipped,
# deleted.  The MISP events into one source in this order; values the
# events share count once.
MISP = {
    "57c4445b-c548-4654-af0b-4be3950d210f.json": (4, 0, 5, 0),
    "existing_event.json": (81, 0, 39, 0),
    "long_event.json": (313, 4, 83, 0),
    "misp_event.json": (1, 0, 1, 0),
}
# The two 3CX lists into one source: new, already there (updated or
# unchanged: last_seen moves on when a second has passed), invalid.
# Volexity's repeats 25 of Sophos' values; its "emailwhois" lines are
# not indicators.
LISTS = [("sophos-3CX-IoCs-2023-03.csv", 30, 0, 0),
         ("volexity-iocs.csv", 16, 25, 5)]

STIX_BAD = {
    "type": "bundle", "id": "bundle--1b4c1d5e-4a8d-4d3c-9c43-3a4c1b7a0001",
    "objects": [
        {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--0b4c1d5e-4a8d-4d3c-9c43-3a4c1b7a0001",
         "created": "2023-03-30T00:00:00Z",
         "modified": "2023-03-30T00:00:00Z", "pattern_type": "stix",
         "valid_from": "2023-03-30T00:00:00Z",
         "pattern": "[domain-name:value = 'ok.example']"},
        {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--0b4c1d5e-4a8d-4d3c-9c43-3a4c1b7a0002",
         "created": "2023-03-30T00:00:00Z",
         "modified": "2023-03-30T00:00:00Z", "pattern_type": "stix",
         "valid_from": "2023-03-30T00:00:00Z",
         "pattern": "[file:size > 1000]"},
    ]}


def imp(c, query, data, ctype="application/json"):
    return c.request("POST", "/api/v1/indicators/import?" + query,
                     raw=data, ctype=ctype)


def total(c, query=""):
    r = c.request("GET", "/api/v1/indicators?limit=1&" + query)
    check(r.status == 200, f"list {query}: {r}")
    return r.json["total"]


def audit(admin, action):
    r = admin.request("GET", f"/api/v1/audit?action={action}&limit=500")
    check(r.status == 200, f"audit {action}: {r}")
    return r.json["items"]


def setup(srv):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": slug, "name": slug}).status == 201,
              f"tenant {slug}")
    who = {}
    for name, role, ten in (("tech-acme", "technician", "acme"),
                            ("tech-globex", "technician", "globex"),
                            ("view-acme", "viewer", "acme")):
        r = a.request("POST", "/api/v1/users", body={
            "name": name, "role": role, "tenants": [ten], "totp": False})
        check(r.status == 201, f"user {name}: {r}")
        c = srv.client()
        check(c.login(name, r.json["password"]).status == 200,
              f"login {name}")
        who[name] = c
    return a, who


def real_files(admin, tech):
    files = sorted(glob.glob(os.path.join(SHARED, "misp", "*.json")))
    check(sorted(os.path.basename(f) for f in files) == sorted(MISP),
          f"the MISP events in {SHARED}/misp: {files}")
    for f in files:
        new, invalid, skipped, deleted = MISP[os.path.basename(f)]
        data = open(f, "rb").read()
        r = imp(tech, "tenant=acme&source=misp&format=misp", data)
        check(r.status == 200, f"import {f}: {r}")
        n = r.json["counts"]
        check((n["new"], n["invalid"], n["skipped"], n["deleted"])
              == (new, invalid, skipped, deleted) and n["updated"] == 0,
              f"{f}: {n}")
        check(sum(n["skipped_types"].values()) == skipped, f"{f}: {n}")
        check(len(r.json["diagnostics"]) > 0, f"{f}: no diagnostics")
        # The same file again: every value is there already (updated
        # when a second has passed: last_seen moves on).
        r = imp(tech, "tenant=acme&source=misp&format=misp-feed-event",
                data)
        n = r.json["counts"] if r.status == 200 else {}
        check(r.status == 200 and n["new"] == 0
              and n["updated"] + n["unchanged"] == new, f"again {f}: {r}")
    check(total(tech, "source=misp") == sum(v[0] for v in MISP.values()),
          "the MISP source's indicators")
    for name, new, unchanged, invalid in LISTS:
        path = os.path.join(SHARED, "3cx", name)
        r = imp(tech, "tenant=acme&source=3cx&format=csv&tlp=green"
                "&confidence=80", open(path, "rb").read(), "text/csv")
        check(r.status == 200, f"import {name}: {r}")
        n = r.json["counts"]
        check((n["new"], n["updated"] + n["unchanged"], n["invalid"])
              == (new, unchanged, invalid), f"{name}: {n}")
        lines = [d for d in r.json["diagnostics"] if d["level"] == "warning"]
        check(all(isinstance(d.get("line"), int) for d in lines),
              f"{name}: diagnostics without a line: {lines}")
    r = tech.request("GET", "/api/v1/indicators?source=3cx&limit=500")
    check(len(r.json["items"]) == 46 and r.json["total"] == 46,
          f"3cx source: {r.json['total']}")
    check(all(i["tlp"] == "green" and i["confidence"] == 80
              and i["tenant"] == "acme" for i in r.json["items"]),
          "the import's tlp and confidence")
    # One audit entry per import, with its counts.
    entries = audit(admin, "indicator.import")
    check(len(entries) == 2 * len(MISP) + len(LISTS),
          f"import audit entries: {len(entries)}")
    d = json.loads(entries[-1]["detail"]) if isinstance(
        entries[-1]["detail"], str) else entries[-1]["detail"]
    check(d["counts"]["new"] == 16 and d["format"] == "csv"
          and entries[-1]["tenant"] == "acme"
          and entries[-1]["target"] == "source:3cx", f"audit: {entries[-1]}")


def stix_rejected(tech):
    before = total(tech)
    r = imp(tech, "tenant=acme&source=stix&format=stix",
            json.dumps(STIX_BAD).encode())
    check(r.status == 422 and r.code() == "indicators_invalid",
          f"stix: {r}")
    det = r.json["error"]["details"]
    check(any("[file:size > 1000]" in x["message"]
              and x["pointer"] == "/objects/1/pattern" for x in det),
          f"the pattern is not quoted: {det}")
    check(total(tech) == before, "a rejected import stored something")
    r = tech.request("GET", "/api/v1/indicator-sources?tenant=acme")
    check("stix" not in [s["name"] for s in r.json["items"]],
          "a rejected import created its source")
    r = imp(tech, "tenant=acme&source=x&format=misp", b"{not json")
    check(r.status == 422, f"bad JSON: {r}")
    r = imp(tech, "tenant=acme&format=misp", b"{}")
    check(r.status == 400 and r.json["error"]["field"] == "?source",
          f"no source: {r}")


def body_cap(srv, tech):
    """An import over the document cap (32 MiB) is refused from its
    headers, before any of the body is sent; one of the same size from
    nobody is refused at the small cap too."""
    for cookie, want in ((tech.cookie, 413), ("", 401)):
        conn = srv.client()._conn()
        try:
            conn.putrequest("POST", "/api/v1/indicators/import?tenant=acme"
                            "&source=big&format=list")
            conn.putheader("Content-Type", "text/plain")
            conn.putheader("Content-Length", str(33 * 1024 * 1024))
            if cookie:
                conn.putheader("Cookie", f"rampart_session={cookie}")
            conn.endheaders()
            st = conn.getresponse().status
        finally:
            conn.close()
        check(st in (want, 413) if not cookie else st == want,
              f"a 33 MiB import (cookie {bool(cookie)}): {st}")
    # Over the small cap (64 KiB) of JSON routes, within the document cap.
    body = "".join(f"d{i}.bulk.example\n" for i in range(6000)).encode()
    check(len(body) > 64 * 1024, "the bulk list is too small")
    r = imp(tech, "tenant=acme&source=bulk&format=list", body, "text/plain")
    check(r.status == 200 and r.json["counts"]["new"] == 6000,
          f"a {len(body)} byte list: {r}")


def advisory(tech):
    """An advisory's indicators and YARA rules, as the bundle takes them."""
    path = os.path.join(DATA, "advisories", "3cx-native.json")
    r = imp(tech, "tenant=acme&source=3cx-advisory&format=advisory",
            open(path, "rb").read())
    n = r.json["counts"] if r.status == 200 else {}
    # The 3CX lists brought most of its values already: they merge into
    # those rows (which keep their source); its YARA rules are new.
    check(r.status == 200 and n["new"] + n["updated"] + n["unchanged"] == 52
          and n["new"] >= 6 and n["invalid"] == 0, f"advisory: {r}")
    r = tech.request("GET", "/api/v1/indicators?type=yara&limit=100"
                     "&source=3cx-advisory")
    check(r.json["total"] == 6 and all(i["value"].startswith("rule ")
                                       for i in r.json["items"]),
          f"YARA rules of the advisory: {r.json['total']}")


def add_edit(admin, tech):
    r = tech.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "domain", "value": "Evil[.]Example.COM.",
        "tags": ["b", "a", "a"], "expires": "2031-01-01T00:00:00Z"})
    check(r.status == 201 and r.json["value"] == "evil.example.com"
          and r.json["tags"] == ["a", "b"] and r.json["outcome"] == "new"
          and r.json["tlp"] == "amber" and r.json["mode"] is None,
          f"add: {r}")
    iid = r.json["id"]
    r = tech.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "domain", "value": "evil.example.com",
        "tags": ["c"], "confidence": 90})
    check(r.status == 200 and r.json["id"] == iid
          and r.json["tags"] == ["a", "b", "c"]
          and r.json["confidence"] == 90 and r.json["expires"] is None
          and r.json["outcome"] == "updated", f"merge: {r}")
    r = tech.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "cidr", "value": "192.0.2.77/26"})
    check(r.status == 201 and r.json["value"] == "192.0.2.64/26",
          f"cidr: {r}")
    r = tech.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "ip", "value": "999.1.1.1"})
    check(r.status == 400 and r.json["error"]["field"] == "/value",
          f"bad ip: {r}")
    r = tech.request("POST", "/api/v1/indicators", body={"items": [
        {"tenant": "acme", "type": "md5",
         "value": "0123456789ABCDEF0123456789ABCDEF"},
        {"tenant": "acme", "type": "sha1", "value": "nothex"}]})
    check(r.status == 400 and r.json["error"]["field"] == "/items/1/value",
          f"batch with a bad one: {r}")
    check(total(tech, "q=0123456789abcdef") == 0,
          "a failed batch stored its first item")
    r = tech.request("PATCH", f"/api/v1/indicators/{iid}", body={
        "mode": "inform", "tlp": "red", "expires": "2030-01-01T00:00:00Z",
        "comment": "seen"})
    check(r.status == 200 and r.json["mode_effective"] == "inform"
          and r.json["tlp"] == "red"
          and r.json["expires"] == "2030-01-01T00:00:00Z", f"edit: {r}")
    r = tech.request("PATCH", f"/api/v1/indicators/{iid}",
                     body={"tlp": "white"})
    check(r.status == 400, f"bad tlp: {r}")
    check(total(tech, "mode=inform&q=evil.example") == 1, "?mode=inform")
    check(total(tech, "expired=1") == 0, "?expired=1")
    r = tech.request("DELETE", f"/api/v1/indicators/{iid}")
    check(r.status == 204, f"delete: {r}")
    r = tech.request("GET", f"/api/v1/indicators/{iid}")
    check(r.status == 404, f"deleted: {r}")
    for action in ("indicator.create", "indicator.edit",
                   "indicator.delete"):
        e = audit(admin, action)
        check(len(e) >= 1 and e[0]["tenant"] == "acme"
              and e[0]["actor"] == "user:tech-acme",
              f"{action} entries: {e}")


def scoping(admin, who):
    ta, tg, va = who["tech-acme"], who["tech-globex"], who["view-acme"]
    # MSP-wide: only an msp-admin writes it, every tenant reads it.
    r = ta.request("POST", "/api/v1/indicators",
                   body={"type": "domain", "value": "msp.example"})
    check(r.status == 403, f"technician MSP-wide: {r}")
    r = admin.request("POST", "/api/v1/indicators",
                      body={"type": "domain", "value": "msp.example"})
    check(r.status == 201 and r.json["tenant"] is None, f"MSP-wide: {r}")
    mid = r.json["id"]
    for c in (ta, tg, va):
        check(c.request("GET", f"/api/v1/indicators/{mid}").status == 200,
              "MSP-wide indicator not readable")
    check(ta.request("DELETE", f"/api/v1/indicators/{mid}").status == 403,
          "technician deleted an MSP-wide indicator")
    check(ta.request("PATCH", f"/api/v1/indicators/{mid}",
                     body={"tlp": "red"}).status == 403,
          "technician edited an MSP-wide indicator")
    r = imp(ta, "source=x&format=list", b"evil.example\n", "text/plain")
    check(r.status == 403, f"technician MSP-wide import: {r}")
    # globex sees none of acme's rows, and cannot name acme.
    check(total(tg) == 1, f"globex sees {total(tg)} indicators")
    check(tg.request("GET", "/api/v1/indicators?tenant=acme").status == 404,
          "?tenant=acme for globex")
    r = imp(tg, "tenant=acme&source=x&format=list", b"a.example\n",
            "text/plain")
    check(r.status == 404, f"globex imports for acme: {r}")
    r = tg.request("POST", "/api/v1/indicators", body={
        "tenant": "acme", "type": "domain", "value": "x.example"})
    check(r.status == 404, f"globex adds for acme: {r}")
    r = tg.request("GET", "/api/v1/indicator-sources")
    check(r.json["items"] == [], f"globex sees sources: {r}")
    r = ta.request("GET", "/api/v1/indicators?tenant=acme&limit=1")
    check(r.json["total"] == total(ta), "acme's rows and MSP-wide")
    # The allowlist.
    r = ta.request("POST", "/api/v1/tenants/acme/allowlist", body={
        "kind": "cidr", "value": "10.1.2.3/8", "reason": "office"})
    check(r.status == 201 and r.json["value"] == "10.0.0.0/8",
          f"allow: {r}")
    aid = r.json["id"]
    r = ta.request("POST", "/api/v1/tenants/acme/allowlist", body={
        "kind": "cidr", "value": "10.0.0.0/8", "reason": "again"})
    check(r.status == 409, f"allow twice: {r}")
    check(ta.request("POST", "/api/v1/allowlist", body={
        "kind": "domain", "value": "x.example"}).status == 403,
        "technician MSP-wide allowlist")
    r = admin.request("POST", "/api/v1/allowlist", body={
        "kind": "domain", "value": "github.com", "list": "built-in"})
    check(r.status == 201, f"MSP allow: {r}")
    r = ta.request("GET", "/api/v1/tenants/acme/allowlist")
    check(sorted(e["value"] for e in r.json["items"])
          == ["10.0.0.0/8", "github.com"], f"acme's allowlist: {r}")
    check(tg.request("GET", "/api/v1/tenants/acme/allowlist").status == 404,
          "globex reads acme's allowlist")
    check(tg.request("DELETE", f"/api/v1/allowlist/{aid}").status == 404,
          "globex deletes acme's entry")
    check(va.request("DELETE", f"/api/v1/allowlist/{aid}").status == 403,
          "viewer deletes")
    check(ta.request("DELETE", f"/api/v1/allowlist/{aid}").status == 204,
          "acme deletes its entry")
    check(len(audit(admin, "allowlist.add")) == 2, "allowlist.add entries")
    check(len(audit(admin, "allowlist.delete")) == 1,
          "allowlist.delete entries")


def sources(admin, tech):
    r = tech.request("POST", "/api/v1/indicator-sources", body={
        "tenant": "acme", "name": "vendor", "kind": "list-url",
        "url": "https://feeds.example/list.txt", "mode": "inform",
        "fetch_interval": 3600})
    check(r.status == 201 and r.json["mode"] == "inform", f"source: {r}")
    sid = r.json["id"]
    r = imp(tech, "tenant=acme&source=vendor&format=list",
            b"# vendor\nvendor-c2.example\n198.51.100.7\n", "text/plain")
    check(r.status == 200 and r.json["counts"]["new"] == 2, f"into it: {r}")
    check(total(tech, "source=vendor&mode=inform") == 2, "source's mode")
    r = tech.request("PATCH", f"/api/v1/indicator-sources/{sid}",
                     body={"mode": "block"})
    check(r.status == 200 and r.json["mode"] == "block", f"edit: {r}")
    check(total(tech, f"source={sid}&mode=block") == 2, "mode follows")
    r = tech.request("DELETE", f"/api/v1/indicator-sources/{sid}")
    check(r.status == 204, f"delete source: {r}")
    check(total(tech, "q=vendor-c2") == 0, "its indicators stayed")
    d = audit(admin, "indicator_source.delete")[-1]["detail"]
    d = json.loads(d) if isinstance(d, str) else d
    check(d["indicators"] == 2, f"audit of the deletion: {d}")


def main():
    srv = Server().start()
    try:
        admin, who = setup(srv)
        real_files(admin, who["tech-acme"])
        stix_rejected(who["tech-acme"])
        advisory(who["tech-acme"])
        body_cap(srv, who["tech-acme"])
        add_edit(admin, who["tech-acme"])
        scoping(admin, who)
        sources(admin, who["tech-acme"])
        print("indicators_api: ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
