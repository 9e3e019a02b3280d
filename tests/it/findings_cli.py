#!/usr/bin/env python3
"""rampart findings and rampart hosts against a real rampartd
(docs/findings.md, docs/cli.md).  Real agents enrol with rampart-agent
enroll (tokens made with the CLI) in two tenants, acme and globex; their
inventories, with the 3CX Desktop App, are uploaded as signed requests
(tests/it/agent_lib.py); the project's 3CX CSAF advisory is imported
between the uploads, so findings are made both by an import and by an
inventory; one host then upgrades to the fixed 18.12.422 (a delta).
Checked against the server's own answers (GET /api/v1/findings, every
page): the table and the counts line, --json, every filter, --limit, the
reason cut to the width of a terminal (a pty) and whole in a pipe;
findings show with its reason, remediation and history; findings counts
per verdict and tenant; and a technician of acme who sees none of
globex's findings, not even by ID.  `rampart hosts` lists as
`rampart host list` does."""
import fcntl
import hashlib
import json
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import (AgentKey, delta_inventory, full_inventory,  # noqa
                       software)
from server_lib import Cli, Server, check, totp_next  # noqa: E402

DATA = os.environ["RAMPART_TEST_DATA"]
AGENT = os.environ["RAMPART_AGENT"]
CSAF = os.path.join(DATA, "3cx", "3cx-csaf.json")
APP = "3CX Desktop App"
VERDICTS = ("affected", "under_investigation", "unknown", "fixed",
            "not_affected")
WORDS = ("affected", "under investigation", "unknown", "fixed",
         "not affected")


def ok(r, what):
    check(r.returncode == 0, f"{what}: exit {r.returncode}\n{r.stdout}"
          f"\n{r.stderr}")
    return r


def cli_json(cli, *args, token=None):
    return json.loads(ok(cli.run(*args, "--json", token=token),
                         " ".join(args)).stdout)


def login_admin(srv, tmp):
    """The CLI logged in as the bootstrap admin, and an API client."""
    b = srv.bootstrap
    cli = Cli(srv)
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write(b["password"] + "\n")
    ok(cli.run("login", "--user", "admin", "--password-file", pw, "--totp",
               totp_next(b["totp_secret"])), "login")
    c = srv.client()
    r = c.request("POST", "/api/v1/login", body={
        "user": "admin", "password": b["password"],
        "totp": totp_next(b["totp_secret"])})
    check(r.status == 200, f"API login: {r}")
    return cli, c


def enrol(srv, cli, tmp, tenant, hostname):
    """A real rampart-agent enrolled with a token the CLI made."""
    tok = cli_json(cli, "enroll-token", "create", tenant)
    state = os.path.join(tmp, hostname)
    r = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                        tok["secret"], "--state", state, "--hostname",
                        hostname], capture_output=True, text=True,
                       timeout=120)
    check(r.returncode == 0, f"enroll {hostname}: {r.returncode} {r.stderr}")
    a = AgentKey.from_state(state)
    check(a.tenant == tenant, f"{hostname} enrolled in {a.tenant}")
    a.hostname = hostname
    return a


def upload(c, a, inv):
    r = a.request(c, "POST", "/api/v1/agent/inventory", inv)
    check(r.status == 200 and r.json.get("duplicate") is False,
          f"inventory of {a.hostname} (seq {inv['seq']}): {r}")
    return r.json


def windows(a):
    return {"name": a.hostname, "os": "Windows", "os_version": "11 23H2",
            "arch": "x86_64"}


def server_list(c, query=""):
    """Every item of GET /api/v1/findings, and the counts of its first
    page, read page by page."""
    items, counts, after = [], None, None
    while True:
        q = "/api/v1/findings?limit=2" + query + \
            (f"&after={after}" if after else "")
        r = c.request("GET", q)
        check(r.status == 200, f"GET {q}: {r}")
        items += r.json["items"]
        counts = counts if counts is not None else r.json["counts"]
        after = r.json["next"]
        if not after:
            return items, counts


def setup(srv, tmp):
    cli, c = login_admin(srv, tmp)
    for slug, name in (("acme", "Acme Dental"), ("globex", "Globex Law")):
        ok(cli.run("tenant", "create", slug, "--name", name), slug)
    acct1 = enrol(srv, cli, tmp, "acme", "ws-acct-01")
    acct2 = enrol(srv, cli, tmp, "acme", "ws-acct-02")
    gx = enrol(srv, cli, tmp, "globex", "gx-pc-01")
    chrome = software("Google Chrome", "111.0.5563.65", "Google LLC")
    sw407 = software(APP, "18.12.407.0", "3CX Ltd")
    # Before the advisory: its import must find these.
    upload(c, acct1, full_inventory(1, windows(acct1), [sw407, chrome]))
    upload(c, acct2, full_inventory(1, windows(acct2), [
        software(APP, "18.12.416.0", "3CX Ltd"), chrome]))
    adv = cli_json(cli, "advisory", "import", CSAF)
    check(adv.get("scope") == "msp", f"import: {adv}")
    # After it: the upload must find this one.
    res = upload(c, gx, full_inventory(1, windows(gx), [sw407]))
    check(res["findings"]["opened"] == 1, f"gx-pc-01's upload: {res}")
    return cli, c, adv, (acct1, acct2, gx), sw407


def upgrade(c, a, old):
    """acct1 upgrades to the fixed 18.12.422: its finding resolves."""
    new = software(APP, "18.12.422.0", "3CX Ltd")
    res = upload(c, a, delta_inventory(2, 1, add=[new], remove=[old]))
    check(res["findings"]["resolved"] == 1, f"upgrade: {res}")


def table_rows(out):
    """The table's rows (after the head) as lists of cells, split on the
    runs of two spaces the columns are padded with."""
    lines = out.splitlines()
    check(lines and lines[0].split() == ["ID", "TENANT", "HOST", "ADVISORY",
                                         "SOFTWARE", "VERDICT", "REASON"],
          f"table head: {out}")
    rows = []
    for ln in lines[1:]:
        if not ln:
            break
        rows.append([x.strip() for x in ln.split("  ") if x.strip()])
    return rows, lines


def counts_line(counts):
    return "all findings of these filters (any verdict and status): " + \
        ", ".join(f"{counts[v]} {w}" for v, w in zip(VERDICTS, WORDS))


def check_table(cli, c, query, args, token=None):
    """rampart findings ARGS prints the server's findings for QUERY: one
    row each, in order, reason whole (a pipe), and the counts."""
    want, counts = server_list(c, query)
    r = ok(cli.run("findings", *args, token=token), f"findings {args}")
    rows, lines = table_rows(r.stdout)
    check(len(rows) == len(want), f"{args}: {len(rows)} rows, server "
          f"{len(want)}:\n{r.stdout}")
    for row, f in zip(rows, want):
        sw = f"{f['software']['name']} {f['software']['version']}"
        check(row == [str(f["id"]), f["tenant"], f["host"]["hostname"],
                      f["advisory"]["doc_id"], sw, f["verdict"],
                      f["reason"]], f"{args}: row {row} for {f}")
    n = len(want)
    check(f"{n} finding{'' if n == 1 else 's'} listed" in lines and
          counts_line(counts) in lines,
          f"{args}: counts lines for {counts}:\n{r.stdout}")
    return want


def lists(cli, c, adv, agents):
    acct1, acct2, gx = agents
    # Default: open findings of every tenant: the two hosts still
    # affected (acct1 has upgraded).
    want = check_table(cli, c, "", [])
    check(sorted(f["host"]["id"] for f in want) ==
          sorted(a.agent_id for a in (acct2, gx)) and
          all(f["verdict"] == "affected" and f["status"] == "open" and
              f["advisory"]["id"] == adv["id"] for f in want),
          f"open findings: {want}")
    check(check_table(cli, c, "", ["list"]) == want, "list = no subcommand")
    got = cli_json(cli, "findings")
    items, counts = server_list(c)
    check(got == {"items": items, "counts": counts}, f"--json: {got}")
    check(counts["affected"] == 2 and counts["fixed"] == 1 and
          sum(counts.values()) == 3, f"counts: {counts}")
    # Every filter goes to the server as docs/findings.md names it.
    allf = check_table(cli, c, "&status=all", ["--status", "all"])
    check(len(allf) == 3, f"--status all: {allf}")
    res = check_table(cli, c, "&status=resolved", ["--status", "resolved"])
    check([f["host"]["id"] for f in res] == [acct1.agent_id] and
          res[0]["verdict"] == "fixed" and res[0]["status"] == "resolved",
          f"resolved: {res}")
    check_table(cli, c, "&verdict=fixed,not_affected&status=all",
                ["--verdict", "fixed", "--verdict", "not_affected",
                 "--status", "all"])
    g = check_table(cli, c, "&tenant=globex", ["--tenant", "globex"])
    check([f["host"]["id"] for f in g] == [gx.agent_id], f"globex: {g}")
    check_table(cli, c, "&tenant=acme,globex&status=all",
                ["--tenant", "acme", "--tenant", "globex", "--status",
                 "all"])
    h = check_table(cli, c, f"&host={acct2.agent_id}",
                    ["--host", acct2.agent_id])
    check(len(h) == 1 and h[0]["software"]["version"] == "18.12.416.0",
          f"--host: {h}")
    check_table(cli, c, f"&advisory={adv['id']}&status=all",
                ["--advisory", str(adv["id"]), "--status", "all"])
    lim = cli_json(cli, "findings", "--status", "all", "--limit", "3")
    check(lim["items"] == allf[:3], f"--limit 3: {lim}")
    r = cli.run("findings", "--verdict", "bad")
    check(r.returncode == 2, f"--verdict bad: {r.returncode}")
    r = cli.run("findings", "counts", "--status", "all")
    check(r.returncode == 2, f"counts --status: {r.returncode}")
    return want


def on_pty(cli, args, cols):
    """Runs the CLI with stdout on a terminal COLS wide; its output."""
    m, s = pty.openpty()
    fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    p = subprocess.Popen([cli.bin] + args, stdout=s, stderr=s,
                         stdin=subprocess.DEVNULL, env=cli.env)
    os.close(s)
    out = b""
    while True:
        try:
            b = os.read(m, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not b:
            break
        out += b
    os.close(m)
    check(p.wait() == 0, f"{args} on a terminal: {p.returncode} {out}")
    return out.decode().replace("\r\n", "\n")


def terminal(cli, want):
    """On a terminal the reason is cut so that each row fits the line."""
    out = on_pty(cli, ["findings"], 120)
    rows = [ln for ln in out.splitlines()[1:len(want) + 1]]
    check(len(rows) == len(want) and all(len(ln) == 120 for ln in rows),
          f"rows not as wide as the terminal's 120 columns:\n{out}")
    for ln, f in zip(rows, want):
        check(f["reason"] not in ln and ln.endswith("...") and
              f["reason"].startswith(ln.split("  ")[-1].strip()[:-3]),
              f"reason not cut to the line: {ln!r} / {f['reason']!r}")


def show(cli, c, want):
    """findings show: the finding, its reason, remediation and history."""
    fid = str(want[0]["id"])
    r = c.request("GET", f"/api/v1/findings/{fid}")
    check(r.status == 200, f"GET finding: {r}")
    f = r.json
    check(cli_json(cli, "findings", "show", fid) == f, "show --json")
    out = ok(cli.run("findings", "show", fid), "show").stdout
    lines = out.splitlines()
    check(lines[0] == f"{f['advisory']['doc_id']} on "
          f"{f['host']['hostname']}: {f['verdict']}", f"show: {out}")
    for label, value in (("id:", fid), ("tenant:", f["tenant"]),
                         ("reason:", f["reason"]),
                         ("remediation:", f["remediation"]),
                         ("rule:", f["rule"]), ("status:", f["status"])):
        check(f"  {label:<16} {value}" in lines, f"show {label}: {out}")
    i = lines.index("history, newest first:")
    check(lines[i + 1].split() == ["AT", "INVENTORY", "VERDICT", "RULE",
                                   "VERSION", "REASON"] and
          len(lines) - i - 2 == len(f["history"]) >= 1, f"history: {out}")


def show_resolved(cli, c, acct1):
    """The upgraded host's finding: resolved, two events newest first."""
    items, _ = server_list(c, f"&host={acct1.agent_id}&status=all")
    check(len(items) == 1, f"acct1: {items}")
    f = cli_json(cli, "findings", "show", str(items[0]["id"]))
    check(f["verdict"] == "fixed" and f["status"] == "resolved" and
          f["resolved_inventory"] == 2 and f["first_inventory"] == 1 and
          [e["verdict"] for e in f["history"]] == ["fixed", "affected"] and
          [e["version"] for e in f["history"]] ==
          ["18.12.422.0", "18.12.407.0"], f"resolved finding: {f}")
    out = ok(cli.run("findings", "show", str(f["id"])), "show").stdout
    check(f"  {'resolved:':<16} {f['resolved_at']} (inventory 2)" in
          out.splitlines(), f"show resolved: {out}")
    hist = out.split("history, newest first:\n")[1].splitlines()[1:]
    check([h.split()[1:3] for h in hist] == [["2", "fixed"], ["-",
                                                              "affected"]],
          f"history rows: {out}")


def counts(cli, c, adv, token=None, tenants=("acme", "globex")):
    """findings counts, as a table and --json, equal the server's."""
    r = c.request("GET", "/api/v1/findings/counts", token=token,
                  cookie="" if token else None)
    check(r.status == 200, f"GET counts: {r}")
    want = r.json
    check(cli_json(cli, "findings", "counts", token=token) == want,
          "counts --json")
    check([t["tenant"] for t in want["tenants"]] == list(tenants),
          f"counts tenants: {want}")
    out = ok(cli.run("findings", "counts", token=token), "counts").stdout
    lines = out.splitlines()
    check(lines[0].split() == ["TENANT", "COUNT", "AFFECTED",
                               "UNDER-INVESTIGATION", "UNKNOWN", "FIXED",
                               "NOT-AFFECTED"], f"counts head: {out}")
    rows = [ln.split() for ln in lines[1:] if ln and ln[0] != " "]
    expect = []
    for t in want["tenants"] + [dict(want, tenant="(all)")]:
        for k, label in (("counts", "findings"), ("hosts", "hosts")):
            expect.append([t["tenant"], label] +
                          [str(t[k][v]) for v in VERDICTS])
    check(rows[:len(expect)] == expect, f"counts table {rows} != {expect}")
    t = tenants[-1]
    r = c.request("GET", f"/api/v1/findings/counts?advisory={adv['id']}"
                  f"&tenant={t}", token=token, cookie="" if token else None)
    check(r.status == 200 and [x["tenant"] for x in r.json["tenants"]] ==
          [t], f"GET counts of {t}: {r}")
    check(cli_json(cli, "findings", "counts", "--advisory", str(adv["id"]),
                   "--tenant", t, token=token) == r.json,
          "counts --advisory --tenant")
    return want


def technician(srv, cli, c, adv, agents):
    """tina, technician of acme, sees acme's findings and none of
    globex's: not in lists, counts or by ID."""
    r = c.request("POST", "/api/v1/users", body={
        "name": "tina", "role": "technician", "tenants": ["acme"]})
    check(r.status == 201, f"user tina: {r}")
    t = srv.client()
    r = t.login("tina", r.json["password"], r.json["totp_secret"])
    check(r.status == 200, f"tina login: {r}")
    r = t.request("POST", "/api/v1/tokens", body={"name": "cli"})
    check(r.status == 201, f"tina's token: {r}")
    tok = r.json["secret"]
    gx = agents[2]
    mine = cli_json(cli, "findings", "--status", "all", token=tok)
    check(mine["items"] and all(f["tenant"] == "acme"
                                for f in mine["items"]) and
          gx.agent_id not in json.dumps(mine), f"tina's list: {mine}")
    admin_all, _ = server_list(c, "&status=all")
    check(len(mine["items"]) == sum(f["tenant"] == "acme"
                                    for f in admin_all),
          f"tina sees {len(mine['items'])} of acme's findings")
    gxf = [f for f in admin_all if f["tenant"] == "globex"]
    r = cli.run("findings", "show", str(gxf[0]["id"]), token=tok)
    check(r.returncode == 1 and "not_found" in r.stderr and
          "gx-pc-01" not in r.stdout + r.stderr,
          f"tina shows globex's finding: {r.returncode} {r.stdout} "
          f"{r.stderr}")
    # A tenant or host she does not see is as one that does not exist.
    for args in (("--tenant", "globex"), ("--host", gx.agent_id),
                 ("--tenant", "acme", "--tenant", "globex")):
        r = cli.run("findings", *args, "--status", "all", "--json",
                    token=tok)
        check(r.returncode == 1 and "not_found" in r.stderr and
              r.stdout == "", f"tina {args}: {r.returncode} {r.stdout} "
              f"{r.stderr}")
    r = cli.run("findings", "counts", "--tenant", "globex", token=tok)
    check(r.returncode == 1 and "not_found" in r.stderr and r.stdout == "",
          f"tina counts --tenant globex: {r.returncode} {r.stderr}")
    cnt = counts(cli, t, adv, token=tok, tenants=("acme",))
    check(sum(cnt["counts"].values()) == len(mine["items"]),
          f"tina's counts: {cnt}")
    return tok


def hosts(cli, agents):
    """rampart hosts is rampart host; alone it lists."""
    a = ok(cli.run("hosts"), "hosts").stdout
    b = ok(cli.run("host", "list"), "host list").stdout
    check(a == b and all(x.agent_id in a for x in agents), f"hosts: {a}")
    check(cli_json(cli, "hosts", "--tenant", "globex") ==
          cli_json(cli, "host", "list", "--tenant", "globex"),
          "hosts --tenant")
    out = ok(cli.run("hosts", "show", agents[0].agent_id), "hosts show")\
        .stdout
    check(out == ok(cli.run("host", "show", agents[0].agent_id),
                    "host show").stdout, "hosts show")
    # What the server has of its inventory: acct1's delta, upload 2.
    h = cli_json(cli, "host", "show", agents[0].agent_id)
    check(h["inventory"] == 2 and h["software"] == 2 and
          f"  {'inventory:':<16} 2 packages, upload 2 at "
          f"{h['inventory_at']}" in out.splitlines(), f"host show: {out}")
    r = cli.run("host")
    check(r.returncode == 2, f"host without a subcommand: {r.returncode}")


def sweep(c, a, tmp, seq):
    """A real rampart-agent sweep of a planted tree, its report uploaded
    as agent a: two hits (a SHA-256 and a YARA rule)."""
    root = os.path.join(tmp, "sweep-" + a.hostname)
    os.makedirs(root)
    with open(os.path.join(root, "evil.bin"), "w") as f:
        f.write(f"planted on {a.hostname}\n")
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("xx RAMPART-IT-MARKER-7731 xx\n")
    with open(os.path.join(root, "evil.bin"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    bundle = os.path.join(tmp, f"bundle-{a.hostname}.json")
    with open(bundle, "w") as f:
        json.dump({"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z",
                   "advisories": [], "indicators": [
                       {"type": "sha256", "value": digest,
                        "source": "it-sha256"}],
                   "yara": [{"name": "it.yar", "source": "it-yara",
                             "text": "rule ItMarker { strings: $m = "
                             "\"RAMPART-IT-MARKER-7731\" condition: $m }"}]},
                  f)
    rep = os.path.join(tmp, f"report-{a.hostname}.json")
    r = subprocess.run([AGENT, "sweep", "--rules", bundle, "--no-cache",
                        "--json", rep, root], capture_output=True,
                       text=True, timeout=120)
    check(r.returncode == 1, f"sweep of {root}: {r.returncode} {r.stderr}")
    with open(rep) as f:
        report = json.load(f)
    check(len(report["hits"]) == 2, f"sweep report: {report}")
    r = a.request(c, "POST", "/api/v1/agent/sweeps", {
        "seq": seq, "started_at": "2026-12-07T10:00:00Z", "report": report})
    check(r.status == 200 and r.json["detections"] == 2,
          f"sweep upload of {a.hostname}: {r}")


def server_detections(c, query=""):
    items, after = [], None
    while True:
        q = "/api/v1/detections?limit=2" + query + \
            (f"&after={after}" if after else "")
        r = c.request("GET", q)
        check(r.status == 200, f"GET {q}: {r}")
        items += r.json["items"]
        after = r.json["next"]
        if not after:
            return items


def detections(srv, cli, c, agents, tmp, tok):
    """rampart detections lists the server's detections of uploaded
    sweeps, filtered by tenants and host, and none of another tenant's
    to a technician."""
    acct2, gx = agents[1], agents[2]
    sweep(c, acct2, tmp, 2)
    sweep(c, gx, tmp, 2)
    want = server_detections(c)
    check(len(want) == 4 and {d["host"] for d in want} ==
          {acct2.agent_id, gx.agent_id}, f"detections: {want}")
    check(cli_json(cli, "detections") == want, "detections --json")
    out = ok(cli.run("detections"), "detections").stdout
    lines = out.splitlines()
    check(lines[0].split() == ["ID", "AT", "TENANT", "HOST", "KIND", "WHAT",
                               "PATH"] and lines[len(want) + 2] ==
          f"{len(want)} detections", f"detections table: {out}")
    for ln, d in zip(lines[1:], want):
        cells = [x.strip() for x in ln.split("  ") if x.strip()]
        check(cells == [str(d["id"]), d["at"], d["tenant"], d["host"],
                        d["kind"], d["what"], d["path"]],
              f"detection row {cells} for {d}")
    acme = server_detections(c, "&tenant=acme")
    globex = server_detections(c, "&tenant=globex")
    check(len(acme) == 2 and len(globex) == 2 and
          all(d["tenant"] == "acme" for d in acme), f"{acme} {globex}")
    check(cli_json(cli, "detections", "--tenant", "acme") == acme, "acme")
    check(cli_json(cli, "detections", "--tenant", "globex", "--tenant",
                   "acme") == globex + acme, "two --tenant, in order")
    check(cli_json(cli, "detections", "--tenant", "globex", "--tenant",
                   "acme", "--limit", "3") == (globex + acme)[:3],
          "--limit over two tenants")
    check(cli_json(cli, "detections", "--host", gx.agent_id) ==
          server_detections(c, f"&host={gx.agent_id}") == globex, "--host")
    # tina, technician of acme.
    check(cli_json(cli, "detections", token=tok) == acme, "tina's")
    for args in (("--tenant", "globex"), ("--host", gx.agent_id)):
        r = cli.run("detections", *args, token=tok)
        check(r.returncode == 1 and "not_found" in r.stderr and
              r.stdout == "", f"tina detections {args}: {r.returncode} "
              f"{r.stdout} {r.stderr}")


def main():
    srv = Server().start()
    tmp = tempfile.mkdtemp(prefix="rampart-findings-")
    cli = None
    try:
        cli, c, adv, agents, sw407 = setup(srv, tmp)
        upgrade(c, agents[0], sw407)
        want = lists(cli, c, adv, agents)
        terminal(cli, want)
        show(cli, c, want)
        show_resolved(cli, c, agents[0])
        counts(cli, c, adv)
        tok = technician(srv, cli, c, adv, agents)
        hosts(cli, agents)
        detections(srv, cli, c, agents, tmp, tok)
    finally:
        if cli is not None:
            cli.cleanup()
        srv.cleanup()
    print("findings_cli: ok")


if __name__ == "__main__":
    main()
