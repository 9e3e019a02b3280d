#!/usr/bin/env python3
"""The audit log's routes on a real rampartd (SQLite, or PostgreSQL
under scripts/pg-test.sh).  GET /api/v1/audit with each filter (action,
an action prefix, actor, tenant, outcome, since, until) and with several
at once, oldest and newest first, paged through its cursors: each answer
is compared with the unfiltered chain filtered here.  Every malformed
argument is 400 invalid_query naming it.  A technician gets 403 on both
routes.  GET /api/v1/audit/verify on the intact log, then on each kind
of tampering done to the store behind the server's back (an edited,
deleted and inserted entry, a cut-off tail), names the entry the CLI's
own check (`rampart audit verify`) names, and is intact again once the
rows are put back."""
import os
import re
import sys
import urllib.parse
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (AUDIT_COLS, Server, audit_hash,  # noqa: E402
                        audit_put, audit_verify_cli, check, store_sql)

FIELDS = [c.strip() for c in AUDIT_COLS.split(",")]
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def setup(srv):
    """Entries of several actions, actors, tenants and outcomes: tenants
    and users made by the admin, a failed login, a technician's login
    and a refused change, and an API token."""
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    for slug in ("acme", "globex"):
        r = a.request("POST", "/api/v1/tenants",
                      body={"slug": slug, "name": slug.title()})
        check(r.status == 201, f"tenant {slug}: {r}")
    r = a.request("PATCH", "/api/v1/tenants/acme", body={"name": "Acme AG"})
    check(r.status == 200, f"rename acme: {r}")
    r = a.request("POST", "/api/v1/users", body={
        "name": "tech", "role": "technician", "tenants": ["acme"],
        "totp": False})
    check(r.status == 201, f"user tech: {r}")
    tech = srv.client()
    check(tech.login("tech", "not the password").status == 401,
          "failed login")
    check(tech.login("tech", r.json["password"]).status == 200, "tech login")
    r = tech.request("POST", "/api/v1/tenants",
                     body={"slug": "x-new", "name": "x"})
    check(r.status == 403, f"technician creates a tenant: {r}")
    r = a.request("POST", "/api/v1/tokens", body={"name": "audit"})
    check(r.status == 201, f"token: {r}")
    return a, tech, r.json["secret"]


def get(c, args):
    return c.request("GET", "/api/v1/audit?" + urllib.parse.urlencode(args))


def walk(c, args, limit):
    """Every page of the list with args, through the cursors."""
    out, after, head = [], None, None
    for _ in range(1000):
        q = dict(args, limit=limit)
        if after is not None:
            q["after"] = after
        r = get(c, q)
        check(r.status == 200, f"audit {q}: {r}")
        check(len(r.json["items"]) <= limit, f"page over {limit}: {r}")
        check(head is None or r.json["head"] == head,
              f"the head moved during the walk: {r}")
        head = r.json["head"]
        out += r.json["items"]
        after = r.json["next"]
        if after is None:
            return out, head
    check(False, f"no end to the pages of {args}")


def filters(c, everything, head):
    """Each filter and combinations, compared with the chain filtered
    here, in one page and in pages of 2 and 1, in both orders."""
    ats = sorted({e["at"] for e in everything})
    check(len(ats) >= 4, f"too few distinct times: {ats}")
    mid, late = ats[len(ats) // 3], ats[2 * len(ats) // 3]
    # mid in another zone, and a fraction past its millisecond.
    t = datetime.strptime(mid, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc)
    mid_plus2 = (t + timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+02:00"
    mid_frac = mid[:-1] + "4Z"
    cases = [
        ({"action": "tenant.create"}, lambda e: e["action"] ==
         "tenant.create"),
        ({"action": "tenant."}, lambda e: e["action"].startswith("tenant.")),
        ({"action": "login"}, lambda e: e["action"] == "login"),
        ({"action": "tenant"}, lambda e: False),
        ({"actor": "user:admin"}, lambda e: e["actor"] == "user:admin"),
        ({"actor": "user:tech"}, lambda e: e["actor"] == "user:tech"),
        ({"actor": "-"}, lambda e: e["actor"] == "-"),
        ({"tenant": "acme"}, lambda e: e["tenant"] == "acme"),
        ({"outcome": "failed"}, lambda e: e["outcome"] == "failed"),
        ({"outcome": "denied"}, lambda e: e["outcome"] == "denied"),
        ({"outcome": "refused"}, lambda e: e["outcome"] == "refused"),
        ({"since": mid[:19] + "Z"}, lambda e: e["at"] >= mid[:19]),
        ({"since": mid}, lambda e: e["at"] >= mid),
        ({"since": mid_plus2}, lambda e: e["at"] >= mid),
        ({"since": mid_frac}, lambda e: e["at"] > mid),
        ({"until": late}, lambda e: e["at"] < late),
        ({"since": mid, "until": late},
         lambda e: mid <= e["at"] < late),
        ({"action": "tenant.", "tenant": "acme", "actor": "user:admin",
          "outcome": "ok"},
         lambda e: e["action"].startswith("tenant.") and
         e["tenant"] == "acme" and e["actor"] == "user:admin" and
         e["outcome"] == "ok"),
        ({"action": "login", "outcome": "ok", "until": late},
         lambda e: e["action"] == "login" and e["outcome"] == "ok" and
         e["at"] < late),
    ]
    for args, keep in cases:
        want = [e for e in everything if keep(e)]
        for order, expect in (("asc", want), ("desc", want[::-1])):
            for limit in (500, 2, 1):
                got, h = walk(c, dict(args, order=order), limit)
                check(got == expect,
                      f"{args} {order} by {limit}: got "
                      f"{[e['seq'] for e in got]}, want "
                      f"{[e['seq'] for e in expect]}")
                check(h == head, f"{args}: head {h} != {head}")
    # Each filter is shown to narrow, not only to agree on an empty
    # answer; except where this log cannot show it: it has no exact
    # action "tenant" and no job the signer refused, and its entries may
    # all fall within one second (that bound is checked for its form).
    for args, keep in cases:
        n = len([e for e in everything if keep(e)])
        check(args in ({"action": "tenant"}, {"outcome": "refused"},
                       {"since": mid[:19] + "Z"}) or
              0 < n < len(everything),
              f"{args} keeps {n} of {len(everything)}: not a filter test")


def desc_cursor(c, everything):
    """Newest first, then on from a cursor downward."""
    r = get(c, {"order": "desc", "limit": 3})
    check(r.status == 200, f"desc: {r}")
    top = [e["seq"] for e in r.json["items"]]
    last = everything[-1]["seq"]
    check(top == [last, last - 1, last - 2], f"newest first: {top}")
    check(r.json["next"] == str(last - 2), f"next: {r.json['next']}")
    r = get(c, {"order": "desc", "limit": 2, "after": r.json["next"]})
    check([e["seq"] for e in r.json["items"]] == [last - 3, last - 4],
          f"after the cursor, downward: {r}")
    r = get(c, {"order": "asc", "limit": 2, "after": 3})
    check([e["seq"] for e in r.json["items"]] == [4, 5],
          f"ascending from a cursor: {r}")


BAD = [
    ("action", ""), ("action", "Tenant.create"), ("action", "a b"),
    ("action", ".create"), ("action", "a" * 65), ("action", "tenant.*"),
    ("actor", ""), ("actor", "user:\x01"), ("actor", "u" * 201),
    ("tenant", ""), ("tenant", "Acme"), ("tenant", "acme,globex"),
    ("outcome", ""), ("outcome", "OK"), ("outcome", "maybe"),
    ("since", ""), ("since", "yesterday"), ("since", "2026-13-01T00:00:00Z"),
    ("since", "2026-01-01"), ("since", "2026-01-01T00:00:00"),
    ("until", "2026-02-30T00:00:00Z"), ("until", "1767225600"),
    ("until", "9999-12-31T23:59:59-01:00"),
    ("since", "0000-01-01T00:30:00+01:00"),
    ("order", ""), ("order", "DESC"), ("order", "newest"),
    ("limit", "0"), ("after", "-1"),
]


def bad_args(c):
    for name, value in BAD:
        r = get(c, {name: value})
        check(r.status == 400 and r.code() == "invalid_query" and
              r.json["error"].get("field") == "?" + name,
              f"?{name}={value!r}: {r}")
    # A bad argument among good ones is named too.
    r = get(c, {"action": "login", "order": "sideways", "outcome": "ok"})
    check(r.status == 400 and r.json["error"].get("field") == "?order",
          f"one bad among good: {r}")


def verify(c):
    r = c.request("GET", "/api/v1/audit/verify")
    check(r.status == 200, f"verify: {r}")
    v = r.json
    check(set(v) == {"ok", "entries", "head", "problem", "seq",
                     "checked_at"}, f"verify answer: {v}")
    check(TIME_RE.match(v["checked_at"] or ""), f"checked_at: {v}")
    check(v["ok"] == (v["problem"] is None) == (v["seq"] is None),
          f"ok, problem and seq disagree: {v}")
    return v


def cli_says(srv, token):
    out, rc = audit_verify_cli(srv, token)
    return out.strip(), rc


def expect_problem(srv, c, token, head, problem, seq, entries):
    v = verify(c)
    check(not v["ok"] and v["problem"] == problem and v["seq"] == seq and
          v["entries"] == entries and v["head"] == head,
          f"{problem} at {seq}: {v}")
    out, rc = cli_says(srv, token)
    check(rc == 1 and f"entry {seq} {problem}" in out,
          f"the CLI on {problem} at {seq}: {rc} {out}")


def tamper(srv, c, token, everything, head):
    v = verify(c)
    check(v["ok"] and v["entries"] == head["seq"] == len(everything) and
          v["head"] == head, f"intact: {v} head {head}")
    out, rc = cli_says(srv, token)
    check(rc == 0 and f"{len(everything)} entries verified" in out,
          f"the CLI on the intact log: {rc} {out}")
    rows = {e["seq"]: [e[f] for f in FIELDS] for e in everything}
    last = head["seq"]
    check(last >= 8, f"too few audit entries to tamper with: {last}")

    store_sql(srv, "UPDATE audit SET target = 'user:mallory' WHERE seq = 5")
    expect_problem(srv, c, token, head, "edited", 5, 4)
    store_sql(srv, "DELETE FROM audit WHERE seq = 5")
    audit_put(srv, rows[5])

    store_sql(srv, "DELETE FROM audit WHERE seq = 3")
    expect_problem(srv, c, token, head, "deleted", 3, 2)
    audit_put(srv, rows[3])

    fake = [last + 1, "2026-01-01T00:00:00.000Z", "user:admin", "",
            "tenant.create", "x", "x", "ok", "{}", rows[last][10]]
    fake.append(audit_hash(fake))
    audit_put(srv, fake)
    expect_problem(srv, c, token, head, "inserted", last + 1, last)
    store_sql(srv, f"DELETE FROM audit WHERE seq = {last + 1}")

    store_sql(srv, f"DELETE FROM audit WHERE seq >= {last - 1}")
    expect_problem(srv, c, token, head, "truncated", last - 1, last - 2)
    audit_put(srv, rows[last - 1])
    audit_put(srv, rows[last])

    v = verify(c)
    check(v["ok"] and v["entries"] == last and v["head"] == head,
          f"put back: {v}")
    out, rc = cli_says(srv, token)
    check(rc == 0, f"the CLI once put back: {rc} {out}")


def main():
    srv = Server().start()
    try:
        admin, tech, token = setup(srv)
        everything, head = walk(admin, {}, 500)
        check([e["seq"] for e in everything] ==
              list(range(1, len(everything) + 1)) and
              head["seq"] == len(everything),
              f"the unfiltered list is not the chain: {head}")
        for path in ("/api/v1/audit", "/api/v1/audit/verify",
                     "/api/v1/audit?action=login"):
            r = tech.request("GET", path)
            check(r.status == 403 and r.code() == "forbidden",
                  f"technician {path}: {r}")
        filters(admin, everything, head)
        desc_cursor(admin, everything)
        bad_args(admin)
        # Reads add no entry: the log is as it was.
        again, head2 = walk(admin, {}, 500)
        check(again == everything and head2 == head, "reads changed the log")
        tamper(srv, admin, token, everything, head)
        print(f"server_audit: {len(everything)} entries, ok")
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
