#!/usr/bin/env python3
"""The rampart CLI against a real rampartd: a server profile pinned to the
certificate (a wrong pin is refused before anything is sent), login with
password file and TOTP, tenants, users, tokens, advisory import (valid
and rejected, with each failed test shown), list/get/revisions, and
enrolment tokens and hosts (a real rampart-agent enrols with a token the
CLI made, is listed, shown and revoked, and its heartbeat is then
refused), `rampart audit verify` on an intact chain and then on each kind of
tampering done to the store behind the server's back: an edited, a
deleted, an inserted entry and a cut-off tail are each named."""
import json
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (AUDIT_COLS, Cli, Server,  # noqa: E402
                        audit_hash, audit_put, check, store_sql, totp_next)

DATA = os.environ["RAMPART_TEST_DATA"]
AGENT = os.environ["RAMPART_AGENT"]


def ok(r, what):
    check(r.returncode == 0, f"{what}: exit {r.returncode}\n{r.stdout}"
          f"\n{r.stderr}")
    return r


def login_admin(cli, srv, tmp):
    b = srv.bootstrap
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write(b["password"] + "\n")
    r = ok(cli.run("login", "--user", "admin", "--password-file", pw,
                   "--totp", totp_next(b["totp_secret"])), "login")
    check(b["password"] not in r.stdout + r.stderr, "password printed")
    sess = os.path.join(cli.cfg, "session-t")
    check(stat.S_IMODE(os.stat(sess).st_mode) == 0o600, "session not 0600")


def wrong_pin(srv):
    cli = Cli.__new__(Cli)
    cli.bin = os.environ["RAMPART_BIN"]
    cli.cfg = tempfile.mkdtemp(prefix="rampart-cli-")
    cli.env = dict(os.environ, RAMPART_CONFIG_DIR=cli.cfg)
    bad = "AA:" + srv.fingerprint[3:]
    ok(cli.run("server", "add", "bad", "--url",
               f"https://127.0.0.1:{srv.port}", "--fingerprint", bad),
       "server add")
    r = cli.run("login", "--user", "admin", "--password-file", "-",
                "--totp", "000000", stdin="not the password\n")
    check(r.returncode == 3 and "fingerprint mismatch" in r.stderr,
          f"wrong pin: {r.returncode} {r.stderr}")
    cli.cleanup()


def objects(cli):
    ok(cli.run("tenant", "create", "acme", "--name", "Acme Dental"), "t1")
    ok(cli.run("tenant", "create", "globex", "--name", "Globex"), "t2")
    r = cli.run("tenant", "create", "acme", "--name", "again")
    check(r.returncode == 1 and "conflict" in r.stderr, f"dup: {r.stderr}")
    r = ok(cli.run("tenant", "list", "--json"), "tenant list")
    check([t["slug"] for t in json.loads(r.stdout)] == ["acme", "globex"],
          r.stdout)
    r = ok(cli.run("user", "create", "tina", "--role", "technician",
                   "--tenant", "acme", "--json"), "user create")
    u = json.loads(r.stdout)
    check(u["user"]["tenants"] == ["acme"] and "totp_secret" in u, f"{u}")
    r = ok(cli.run("token", "create", "audit", "--json"), "token create")
    return json.loads(r.stdout)["secret"]


def paging_and_escapes(srv, cli, token):
    """Lists longer than a page are followed through their cursors, and
    what the server sends is escaped before it reaches the terminal."""
    c = srv.client()
    c.token = token
    for i in range(60):
        r = c.request("POST", "/api/v1/tenants",
                      body={"slug": f"bulk{i:02d}", "name": f"Bulk {i}"})
        check(r.status == 201, f"bulk tenant: {r}")
    r = c.request("POST", "/api/v1/tenants",
                  body={"slug": "esc", "name": "red \x1b[31m alert"})
    check(r.status == 201, f"esc tenant: {r}")
    r = ok(cli.run("tenant", "list", "--json"), "tenant list")
    check(len(json.loads(r.stdout)) == 63, "not every page was read")
    r = ok(cli.run("tenant", "list"), "tenant list table")
    check("\x1b" not in r.stdout and "bulk59" in r.stdout,
          f"escape or paging: {r.stdout[-500:]!r}")


def advisories(cli):
    r = ok(cli.run("advisory", "import", os.path.join(DATA, "3cx",
                   "3cx-csaf.json"), "--tenant", "acme", "--json"), "import")
    adv = json.loads(r.stdout)
    check(adv["revision"] == 1, f"{adv}")
    r = cli.run("advisory", "import",
                os.path.join(DATA, "3cx", "broken-csaf.json"))
    check(r.returncode == 1 and "advisory_invalid" in r.stderr,
          f"broken import: {r.returncode} {r.stderr}")
    check(any(line.strip().startswith("6.1.") for line in
              r.stderr.splitlines()), f"no failed test named: {r.stderr}")
    r = ok(cli.run("advisory", "list", "--json"), "list")
    check([a["id"] for a in json.loads(r.stdout)] == [adv["id"]], r.stdout)
    r = ok(cli.run("advisory", "get", str(adv["id"]), "--document",
                   "--json"), "get")
    check(json.loads(r.stdout)["document"]["tracking"]["id"]
          == adv["doc_id"], "document")
    ok(cli.run("advisory", "revisions", str(adv["id"])), "revisions")
    # The tables people read.
    r = ok(cli.run("advisory", "list"), "advisory table")
    check(adv["doc_id"] in r.stdout and "acme" in r.stdout, r.stdout)
    r = ok(cli.run("advisory", "list", "--query", "no-such-thing"), "query")
    check(adv["doc_id"] not in r.stdout, r.stdout)
    r = ok(cli.run("user", "list"), "user table")
    check("tina" in r.stdout and "technician" in r.stdout, r.stdout)
    r = ok(cli.run("token", "list"), "token table")
    check("audit" in r.stdout and "active" in r.stdout, r.stdout)


def agent(*args):
    return subprocess.run([AGENT] + list(args), capture_output=True,
                          text=True, timeout=120)


def enroll_tokens(srv, cli, tmp):
    """A single-use token made with the CLI enrols one real agent."""
    r = ok(cli.run("enroll-token", "create", "acme", "--name", "desk"),
           "enroll-token create")
    lines = r.stdout.splitlines()
    mark = "shown once, not stored anywhere you can read it again:"
    check(mark in lines, f"no marker: {r.stdout}")
    secret = lines[lines.index(mark) + 1].split()[-1]
    fp = srv.fingerprint.replace(":", "").lower()
    check(secret.startswith("rpe1.") and secret.split(".")[1] == fp,
          f"the token does not carry the server's fingerprint: {secret}")
    url = f"https://127.0.0.1:{srv.port}"
    check(f"  rampart-agent enroll {url} {secret}" in lines,
          f"no agent command: {r.stdout}")
    check("used up" not in r.stdout and "uses 1" in r.stdout, r.stdout)
    state = os.path.join(tmp, "agent")
    r = agent("enroll", url, secret, "--state", state, "--hostname",
              "ws-desk-01")
    check(r.returncode == 0, f"enroll: {r.returncode} {r.stderr}")
    rec = json.load(open(os.path.join(state, "agent.json")))
    r = ok(cli.run("enroll-token", "list", "acme", "--json"), "list --json")
    toks = json.loads(r.stdout)
    check(len(toks) == 1 and toks[0]["used"] == 1 and toks[0]["uses"] == 1
          and toks[0]["name"] == "desk", f"enroll-token list: {toks}")
    r = ok(cli.run("enroll-token", "list", "acme"), "enroll-token list")
    row = [ln for ln in r.stdout.splitlines() if "desk" in ln]
    check(len(row) == 1 and row[0].split()[2:4] == ["1", "1"] and
          row[0].endswith("used up"), f"enroll-token table: {r.stdout}")
    # A token for many machines, revoked: its state says so.
    r = ok(cli.run("enroll-token", "create", "acme", "--uses", "0",
                   "--expires-hours", "2", "--json"), "create --json")
    many = json.loads(r.stdout)
    check(many["token"]["uses"] == 0 and many["secret"].startswith("rpe1."),
          f"create --json: {many}")
    ok(cli.run("enroll-token", "revoke", str(many["token"]["id"])), "revoke")
    r = ok(cli.run("enroll-token", "list", "acme"), "list after revoke")
    row = [ln for ln in r.stdout.splitlines()
           if ln.startswith(str(many["token"]["id"]) + " ")]
    check(len(row) == 1 and "no limit" in row[0] and
          row[0].endswith("revoked"), f"revoked token: {r.stdout}")
    r = agent("enroll", url, many["secret"], "--state",
              os.path.join(tmp, "agent2"))
    check(r.returncode == 1 and "enroll_token_invalid" in r.stderr,
          f"revoked token enrolled: {r.returncode} {r.stderr}")
    r = cli.run("enroll-token", "list", "nosuch")
    check(r.returncode == 1 and "not_found" in r.stderr,
          f"unknown tenant: {r.returncode} {r.stderr}")
    r = cli.run("enroll-token", "create", "acme", "--uses", "-1")
    check(r.returncode == 2, f"--uses -1: {r.returncode}")
    return rec, state


def hosts(cli, rec, state):
    """The enrolled agent is a host: listed, shown, revoked."""
    aid = rec["agent_id"]
    r = ok(cli.run("host", "list"), "host list")
    row = [ln for ln in r.stdout.splitlines() if ln.startswith(aid)]
    check(r.stdout.split()[:6] == ["ID", "TENANT", "HOSTNAME", "OS",
                                   "LAST-SEEN", "STATE"] and len(row) == 1
          and row[0].split()[1:3] == ["acme", "ws-desk-01"] and
          row[0].endswith("active"), f"host table: {r.stdout}")
    r = ok(cli.run("host", "list", "--json"), "host list --json")
    hs = json.loads(r.stdout)
    check([h["id"] for h in hs] == [aid] and hs[0]["tenant"] == "acme" and
          hs[0]["revoked_at"] is None, f"host list --json: {hs}")
    r = ok(cli.run("host", "list", "--tenant", "globex", "--json"),
           "host list --tenant")
    check(json.loads(r.stdout) == [], f"--tenant globex: {r.stdout}")
    r = ok(cli.run("host", "list", "--tenant", "acme", "--limit", "1",
                   "--json"), "host list --tenant acme")
    check([h["id"] for h in json.loads(r.stdout)] == [aid], r.stdout)
    r = cli.run("host", "list", "--tenant", "nosuch")
    check(r.returncode == 1 and "not_found" in r.stderr,
          f"--tenant of no tenant: {r.returncode} {r.stderr}")
    r = ok(cli.run("host", "show", aid), "host show")
    check(r.stdout.startswith("ws-desk-01\n") and aid in r.stdout and
          "active" in r.stdout, f"host show: {r.stdout}")
    r = ok(cli.run("host", "show", aid, "--json"), "host show --json")
    check(json.loads(r.stdout)["hostname"] == "ws-desk-01", r.stdout)
    r = agent("heartbeat", "--state", state, "--hostname", "ws-desk-01")
    check(r.returncode == 0, f"heartbeat: {r.returncode} {r.stderr}")
    ok(cli.run("host", "revoke", aid), "host revoke")
    r = agent("heartbeat", "--state", state, "--hostname", "ws-desk-01")
    check(r.returncode == 1 and "unauthorized" in r.stderr,
          f"revoked host's heartbeat: {r.returncode} {r.stderr}")
    r = ok(cli.run("host", "show", aid, "--json"), "show revoked")
    check(json.loads(r.stdout)["revoked_at"], f"not revoked: {r.stdout}")
    r = ok(cli.run("host", "list"), "host list after revoke")
    check([ln for ln in r.stdout.splitlines() if ln.startswith(aid)][0]
          .endswith("revoked"), f"revoked host: {r.stdout}")
    r = cli.run("host", "show", "nosuchagent")
    check(r.returncode == 1 and "not_found" in r.stderr,
          f"unknown host: {r.returncode} {r.stderr}")
    r = cli.run("host", "show", aid, "--tenant", "acme")
    check(r.returncode == 2, f"--tenant on show: {r.returncode}")


def verify(cli, token):
    r = cli.run("audit", "verify", token=token)
    return r.returncode, r.stdout + r.stderr


def tamper(srv, cli, token):
    rc, out = verify(cli, token)
    check(rc == 0 and "chain intact" in out, f"intact: {rc} {out}")
    rows = {int(r[0]): r for r in store_sql(
        srv, f"SELECT {AUDIT_COLS} FROM audit ORDER BY seq")}
    last = max(rows)
    check(last >= 7, f"too few audit entries to tamper with: {last}")
    # Edited: one field of entry 5.
    store_sql(srv, "UPDATE audit SET target = 'user:mallory' WHERE seq = 5")
    rc, out = verify(cli, token)
    check(rc == 1 and "entry 5 edited" in out, f"edited: {rc} {out}")
    store_sql(srv, f"UPDATE audit SET target = '{rows[5][6]}' WHERE seq = 5")
    # Deleted: entry 3 gone.
    store_sql(srv, "DELETE FROM audit WHERE seq = 3")
    rc, out = verify(cli, token)
    check(rc == 1 and "entry 3 deleted" in out, f"deleted: {rc} {out}")
    audit_put(srv, rows[3])
    # Inserted: a well-formed entry linked to the last, past the head.
    fake = [last + 1, "2026-01-01T00:00:00.000Z", "user:admin", "",
            "tenant.create", "x", "x", "ok", "{}", rows[last][10]]
    fake.append(audit_hash(fake))
    audit_put(srv, fake)
    rc, out = verify(cli, token)
    check(rc == 1 and f"entry {last + 1} inserted" in out,
          f"inserted: {rc} {out}")
    store_sql(srv, f"DELETE FROM audit WHERE seq = {last + 1}")
    # Truncated: the last entry gone.
    store_sql(srv, f"DELETE FROM audit WHERE seq = {last}")
    rc, out = verify(cli, token)
    check(rc == 1 and "truncated" in out, f"truncated: {rc} {out}")
    audit_put(srv, rows[last])
    rc, out = verify(cli, token)
    check(rc == 0, f"restored chain: {rc} {out}")


def passwords(srv, cli, tmp):
    """An msp-admin resets tina; tina changes her password herself."""
    r = ok(cli.run("user", "reset", "tina", "--json"), "user reset")
    sec = json.loads(r.stdout)
    check("password" in sec and "totp_secret" in sec, f"reset: {sec}")
    t = Cli(srv, "t")
    files = {}
    for k, v in (("old", sec["password"]), ("new", "tina's own password"),
                 ("bad", "not her password")):
        files[k] = os.path.join(tmp, k)
        with open(files[k], "w") as f:
            f.write(v + "\n")
    try:
        ok(t.run("login", "--user", "tina", "--password-file", files["old"],
                 "--totp", totp_next(sec["totp_secret"])), "tina login")
        r = t.run("passwd", "--password-file", files["bad"],
                  "--new-password-file", files["new"])
        check(r.returncode == 1 and "forbidden" in r.stderr,
              f"passwd, wrong current: {r.returncode} {r.stderr}")
        ok(t.run("passwd", "--password-file", files["old"],
                 "--new-password-file", files["new"]), "passwd")
        r = t.run("whoami")
        check(r.returncode == 1, f"session after passwd: {r.stdout}")
        ok(t.run("login", "--user", "tina", "--password-file", files["new"],
                 "--totp", totp_next(sec["totp_secret"])),
           "login with the new password")
    finally:
        t.cleanup()


def main():
    srv = Server().start()
    tmp = tempfile.mkdtemp(prefix="rampart-cli-t-")
    cli = Cli(srv)
    try:
        wrong_pin(srv)
        login_admin(cli, srv, tmp)
        r = ok(cli.run("whoami"), "whoami")
        check("admin" in r.stdout, r.stdout)
        token = objects(cli)
        rec, state = enroll_tokens(srv, cli, tmp)
        hosts(cli, rec, state)
        advisories(cli)
        paging_and_escapes(srv, cli, token)
        tamper(srv, cli, token)
        passwords(srv, cli, tmp)
        cookie = open(os.path.join(cli.cfg, "session-t")).read().strip()
        c = srv.client()
        check(c.request("GET", "/api/v1/me", cookie=cookie).status == 200,
              "the stored session works")
        ok(cli.run("logout"), "logout")
        check(c.request("GET", "/api/v1/me", cookie=cookie).status == 401,
              "logout did not end the session on the server")
        r = cli.run("tenant", "list")
        check(r.returncode == 1 and "not logged in" in r.stderr,
              f"after logout: {r.returncode} {r.stderr}")
    finally:
        cli.cleanup()
        srv.cleanup()
    print("server_cli: ok")


if __name__ == "__main__":
    main()
