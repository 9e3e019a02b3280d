#!/usr/bin/env python3
"""A host's network addresses from a real agent to the API
(docs/agent-protocol.md, "Inventory"): a real rampartd, and a real
`rampart-agent run --once` reading this machine (the default inventory
root, /) sends its full inventory; the agent as GET /api/v1/agents/{id}
and the agent list show exactly this machine's addresses as iproute2
(netlink, not getifaddrs) lists them, loopback and link-local ones left
out, in the documented order, each with its interface's MAC; the store
holds them under the agent's tenant.  The daemon collecting again on an
unchanged machine sends nothing (the order does not move).  Then a
second agent of another tenant, enrolled and signing in Python
(tests/it/agent_lib.py): each hostile upload (an address that is not
one, one not in canonical text, 65 addresses, an unknown key in an
address or in the host, a malformed MAC, an empty interface name) is
refused with 400 and the JSON pointer of what is wrong, and changes
nothing; a delta with other addresses replaces them whole, one without
leaves them, [] clears them; the audit entries count them; the first
agent's addresses are untouched.  SQLite, and PostgreSQL when
RAMPART_TEST_DB is set."""
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_lib import AgentKey  # noqa: E402
from agent_run import Daemon, kill_started  # noqa: E402
from server_lib import Server, check, store_sql  # noqa: E402

AGENT = os.environ["RAMPART_AGENT"]
WAIT = 300


def machine_addresses():
    """This machine's addresses as the agent must send them, from
    iproute2's JSON: IPv4 under its label (what getifaddrs names it),
    IPv6 under the interface; no loopback, link-local or unspecified
    address; sorted by interface, IPv4 first, then by address."""
    ip = shutil.which("ip")
    check(ip is not None, "this test needs iproute2's ip (Debian iproute2)")
    out = subprocess.run([ip, "-j", "address", "show"], capture_output=True,
                         text=True, check=True).stdout
    want = []
    for link in json.loads(out):
        mac = link.get("address")
        if link.get("link_type") in ("loopback", "none") or not mac or \
                set(mac.replace(":", "")) == {"0"} or \
                len(mac.split(":")) > 8:
            mac = None
        for a in link.get("addr_info", []):
            if a.get("family") not in ("inet", "inet6"):
                continue
            addr = ipaddress.ip_address(a["local"])
            if addr.is_loopback or addr.is_link_local or \
                    addr.is_unspecified:
                continue
            iface = a.get("label", link["ifname"]) \
                if a["family"] == "inet" else link["ifname"]
            want.append({"ip": str(addr), "iface": iface, "mac": mac})
    want.sort(key=lambda x: (x["iface"].encode(),
                             ipaddress.ip_address(x["ip"]).version,
                             ipaddress.ip_address(x["ip"]).packed))
    return want[:64]


def agent_of(c, agent_id):
    r = c.request("GET", f"/api/v1/agents/{agent_id}")
    check(r.status == 200, f"GET agent: {r}")
    return r.json


def once(state):
    r = subprocess.run([AGENT, "run", "--once", "--state", state,
                        "--hostname", "ws-addr"],
                       capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 0, f"run --once: {r.returncode} "
          f"{r.stderr[-3000:]}")
    return r.stderr


def setup(srv, tmp):
    a = srv.client()
    b = srv.bootstrap
    check(a.login(b["user"], b["password"], b["totp_secret"]).status == 200,
          "admin login")
    check(a.request("POST", "/api/v1/tenants", body={
        "slug": "acme", "name": "Acme"}).status == 201, "tenant")
    r = a.request("POST", "/api/v1/tenants/acme/enroll-tokens", body={})
    check(r.status == 201, f"enrolment token: {r}")
    state = os.path.join(tmp, "agent")
    r = subprocess.run([AGENT, "enroll", f"https://127.0.0.1:{srv.port}",
                        r.json["secret"], "--state", state,
                        "--hostname", "ws-addr"],
                       capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 0, f"enrol: {r.stderr}")
    return a, state


def real_agent(srv, admin, state, want):
    """The real agent's full inventory carries this machine's
    addresses; the API and the store show them."""
    log = once(state)
    check(f"addresses={len(want)}" in log,
          f"the full inventory's addresses, {len(want)} expected:\n{log}")
    key = AgentKey.from_state(state)
    a = agent_of(admin, key.agent_id)
    check(a["addresses"] == want,
          f"GET agent: {a['addresses']}, this machine has {want}")
    check(a["inventory"] > 0 and a["software"] > 0, f"inventory: {a}")
    r = admin.request("GET", "/api/v1/agents?tenant=acme")
    check(r.status == 200 and [x["addresses"] for x in r.json["items"]]
          == [want], f"the list's addresses: {r}")
    rows = store_sql(srv, "SELECT t.slug, x.ip FROM agent_addresses x "
                     "JOIN tenants t ON t.id = x.tenant_id "
                     "WHERE t.slug = 'acme' ORDER BY x.pos")
    check([tuple(x) for x in rows] == [("acme", w["ip"]) for w in want],
          f"the store's rows: {rows}")
    return key, a


def unchanged(state):
    """Collecting again on an unchanged machine queues nothing: the
    addresses come in the same order every time."""
    d = Daemon(["--state", state, "--hostname", "ws-addr",
                "--inventory-interval", "1"])
    d.wait_log(r'msg="upload accepted" seq=\d+ kind=inventory-full')
    d.wait_log(r'msg="inventory unchanged"')
    d.p.terminate()
    check(d.finish() == 0, f"SIGTERM: {d.text()[-2000:]}")
    check("kind=inventory-delta" not in d.text(),
          f"a delta from an unchanged machine:\n{d.text()}")


def upload(srv, key, body):
    return key.request(srv.client(), "POST", "/api/v1/agent/inventory",
                       body)


def python_agent(srv, admin):
    """An agent of tenant globex that signs in Python, with a first full
    inventory that names no addresses."""
    check(admin.request("POST", "/api/v1/tenants", body={
        "slug": "globex", "name": "Globex"}).status == 201, "tenant")
    r = admin.request("POST", "/api/v1/tenants/globex/enroll-tokens",
                      body={})
    check(r.status == 201, f"enrolment token: {r}")
    key = AgentKey()
    r = srv.client().request("POST", "/api/v1/agents/enroll",
                             body=key.enroll_body(r.json["secret"],
                                                  "ws-py"))
    check(r.status == 201, f"enrol: {r}")
    key.agent_id = r.json["agent_id"]
    r = upload(srv, key, {"seq": 1, "kind": "full", "host": {
        "name": "ws-py"}, "software": []})
    check(r.status == 200, f"first inventory: {r}")
    a = agent_of(admin, key.agent_id)
    check(a["addresses"] == [] and a["inventory"] == 1,
          f"an agent that named no addresses: {a}")
    return key, a


def hostile(srv, admin, key, before):
    many = [{"ip": f"10.0.{i // 256}.{i % 256}", "iface": "eth0"}
            for i in range(65)]
    cases = [
        ([{"ip": "300.1.2.3", "iface": "eth0"}], "/host/addresses/0/ip"),
        ([{"ip": "192.0.2.9", "iface": "eth0"},
          {"ip": "2001:DB8::1", "iface": "eth0"}], "/host/addresses/1/ip"),
        (many, "/host/addresses"),
        ([{"ip": "192.0.2.9", "iface": "eth0", "vlan": 7}],
         "/host/addresses/0"),
        ([{"ip": "192.0.2.9", "iface": "eth0", "mac": "52-54-00-12-34-56"}],
         "/host/addresses/0/mac"),
        ([{"ip": "192.0.2.9", "iface": ""}], "/host/addresses/0/iface"),
        ({"ip": "192.0.2.9", "iface": "eth0"}, "/host/addresses"),
    ]
    seq = before["last_upload"]
    for addrs, field in cases:
        seq += 1
        r = upload(srv, key, {"seq": seq, "kind": "full", "host": {
            "name": "ws-py", "addresses": addrs}, "software": []})
        check(r.status == 400 and r.json["error"]["code"] ==
              "invalid_upload" and r.json["error"]["field"] == field,
              f"{field}: {r}")
    seq += 1
    r = upload(srv, key, {"seq": seq, "kind": "full", "host": {
        "name": "ws-py", "addrs": []}, "software": []})
    check(r.status == 400 and r.json["error"]["field"] == "/host" and
          "addrs" in r.json["error"]["message"], f"unknown host key: {r}")
    a = agent_of(admin, key.agent_id)
    check(a["addresses"] == before["addresses"] and
          a["last_upload"] == before["last_upload"] and
          a["software"] == before["software"],
          f"a refused upload changed the agent: {a}")
    return seq


def deltas(srv, admin, key, seq):
    """Replaced whole by a delta that names them; kept by one that does
    not; cleared by []."""
    a = agent_of(admin, key.agent_id)
    mine = [{"ip": "198.51.100.7", "iface": "eth9",
             "mac": "52:54:00:12:34:56"},
            {"ip": "2001:db8::7", "iface": "eth9"}]
    steps = [({"addresses": mine},
              [dict(mine[0]), dict(mine[1], mac=None)]),
             (None, [dict(mine[0]), dict(mine[1], mac=None)]),
             ({"addresses": []}, [])]
    base = a["inventory"]
    for host, want in steps:
        seq += 1
        body = {"seq": seq, "kind": "delta", "base": base, "add": [],
                "remove": []}
        if host is not None:
            body["host"] = host
        r = upload(srv, key, body)
        check(r.status == 200 and r.json["duplicate"] is False,
              f"delta {seq}: {r}")
        base = seq
        a = agent_of(admin, key.agent_id)
        check(a["addresses"] == want and a["hostname"] == "ws-py",
              f"after delta {seq} ({host}): {a}")
    r = admin.request("GET", "/api/v1/audit?action=agent.inventory&"
                      "tenant=globex")
    check(r.status == 200, f"audit: {r}")
    details = [json.loads(e["detail"]) for e in r.json["items"]]
    check([d.get("addresses") for d in details] == [None, 2, None, 0],
          f"the audit entries say how many addresses: {details}")


def main():
    want = machine_addresses()
    check(want, "this machine has no address other than loopback and "
          "link-local ones: nothing for the agent to report")
    tmp = tempfile.mkdtemp(prefix="rampart-agent-addresses-")
    srv = Server().start()
    try:
        admin, state = setup(srv, tmp)
        key, _ = real_agent(srv, admin, state, want)
        unchanged(state)
        check(agent_of(admin, key.agent_id)["addresses"] == want,
              "after the daemon")
        py, before = python_agent(srv, admin)
        seq = hostile(srv, admin, py, before)
        deltas(srv, admin, py, seq)
        check(agent_of(admin, key.agent_id)["addresses"] == want,
              "another agent's uploads touched the first one's addresses")
    finally:
        kill_started()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"agent addresses: ok ({len(want)} addresses)")


if __name__ == "__main__":
    main()
