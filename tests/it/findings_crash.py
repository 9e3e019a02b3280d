#!/usr/bin/env python3
"""kill -9 of rampartd (every process at once) during a burst of inventory
uploads from 50 agents: after a restart every upload answered 2xx is in
the store, each agent re-sends what was not acknowledged and it is stored
once (an upload the server had applied before its answer was lost comes
back as a duplicate), the findings agree with the last inventory, and
`rampart audit verify` finds the chain intact.  Runs on SQLite, and on
PostgreSQL under scripts/pg-test.sh."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, audit_verify_cli, check  # noqa: E402
from findings_flow import Agent, host_inventory  # noqa: E402

AGENTS = 50
UPLOADS = 8  # one full inventory, then deltas, per agent
KILL_AFTER = 150  # answered uploads before the kill
CSAF = os.path.join(os.environ.get("RAMPART_TEST_DATA", "tests/data"),
                    "3cx", "3cx-csaf.json")


def uploads_of(name):
    """The agent's queue: (seq, body, software count after it)."""
    host, sw = host_inventory(name, "18.12.416.0")
    out = [(1, {"seq": 1, "kind": "full", "host": host, "software": sw},
            len(sw))]
    n = len(sw)
    for k in range(2, UPLOADS + 1):
        add = [{"name": f"Tool {k}", "version": "1.0",
                "source": "windows_registry"}]
        rm = ([{"name": f"Tool {k - 1}", "version": "1.0",
                "source": "windows_registry"}] if k > 2 else [])
        n += 1 - len(rm)
        out.append((k, {"seq": k, "kind": "delta", "base": k - 1,
                        "add": add, "remove": rm}, n))
    return out


class Burst:
    def __init__(self, agents):
        self.agents = agents
        self.lock = threading.Lock()
        self.acked = {a.id: 0 for a in agents}  # highest seq answered 2xx
        self.count = 0
        self.bad = []
        self.enough = threading.Event()

    def worker(self, ag):
        for seq, body, _ in ag.queue:
            try:
                r = ag.post("/api/v1/agent/inventory", body)
            except (OSError, ValueError):
                return  # the server is gone
            with self.lock:
                if r.status == 200 and not r.json["duplicate"]:
                    self.acked[ag.id] = seq
                    self.count += 1
                elif not self.enough.is_set():
                    self.bad.append((ag.id, seq, r.status, r.body[:200]))
                    return
                if self.count >= KILL_AFTER:
                    self.enough.set()


def stored(c, ag):
    r = c.request("GET", f"/api/v1/agents/{ag.id}")
    check(r.status == 200, f"agent after restart: {r}")
    return r.json


def resend(c, ag, burst):
    """Re-sends from the first upload not acknowledged, in order."""
    st = stored(c, ag)
    acked = burst.acked[ag.id]
    check(st["inventory"] >= acked,
          f"{ag.id}: upload {acked} was answered but the store has "
          f"{st['inventory']}")
    want = {seq: n for seq, _, n in ag.queue}
    if st["inventory"] > 0:
        check(st["software"] == want[st["inventory"]],
              f"{ag.id}: {st['software']} entries stored for upload "
              f"{st['inventory']}, {want[st['inventory']]} sent")
    dups = 0
    for seq, body, _ in ag.queue:
        if seq <= acked:
            continue
        r = ag.post("/api/v1/agent/inventory", body)
        check(r.status == 200, f"{ag.id}: re-sent upload {seq}: {r}")
        check(r.json["duplicate"] == (seq <= st["inventory"]),
              f"{ag.id}: upload {seq} duplicate={r.json['duplicate']}, "
              f"store had {st['inventory']}")
        dups += r.json["duplicate"]
    st = stored(c, ag)
    check(st["inventory"] == UPLOADS and st["software"] == want[UPLOADS],
          f"{ag.id}: after re-sending: {st}")
    return dups


def main():
    srv = Server().start()
    try:
        a = srv.client()
        b = srv.bootstrap
        check(a.login(b["user"], b["password"], b["totp_secret"]).status
              == 200, "admin login")
        check(a.request("POST", "/api/v1/tenants",
                        body={"slug": "acme", "name": "Acme"}).status == 201,
              "tenant")
        r = a.request("POST", "/api/v1/tokens", body={"name": "crash"})
        check(r.status == 201, f"token: {r}")
        token = r.json["secret"]
        r = a.request("POST", "/api/v1/advisories",
                      raw=open(CSAF, "rb").read(), ctype="application/json")
        check(r.status == 201, f"import: {r}")
        adv = r.json["id"]
        agents = []
        for k in range(AGENTS):
            ag = Agent(srv, a, "acme", f"ws-{k:02d}")
            ag.queue = uploads_of(f"ws-{k:02d}")
            agents.append(ag)
        burst = Burst(agents)
        ts = [threading.Thread(target=burst.worker, args=(ag,))
              for ag in agents]
        for t in ts:
            t.start()
        check(burst.enough.wait(600), "the burst did not reach its count")
        srv.kill_all()
        for t in ts:
            t.join()
        check(not burst.bad, f"uploads refused during the burst: "
              f"{burst.bad[:5]}")
        srv.start()
        c = srv.client()
        c.token = token
        for ag in agents:
            ag.srv = srv
        dups = sum(resend(c, ag, burst) for ag in agents)
        r = c.request("GET", f"/api/v1/findings?advisory={adv}&limit=500")
        hosts = [f["host"]["id"] for f in r.json["items"]]
        check(r.status == 200 and sorted(hosts) ==
              sorted(ag.id for ag in agents),
              f"one open finding per host: {len(hosts)} for {AGENTS}")
        out, rc = audit_verify_cli(srv, token)
        check(rc == 0 and "chain intact" in out,
              f"audit verify after kill -9: {rc} {out}")
        print(f"findings_crash: {burst.count} answered before the kill, "
              f"{dups} applied but unanswered came back as duplicates")
    finally:
        srv.cleanup()
    print("findings_crash: ok")


if __name__ == "__main__":
    main()
