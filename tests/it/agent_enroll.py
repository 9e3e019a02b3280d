#!/usr/bin/env python3
"""rampart-agent against a real rampartd (docs/agent-protocol.md): the
bootstrap admin makes a tenant and enrolment tokens through the API; an
agent enrols with one (its state directory, key and agent.json as
docs/agent-enroll.md says), its signed heartbeat is taken and the agent
is listed with last_seen; a token naming another certificate is refused
by the agent before anything is sent (the same secret then still
works); a single-use token does not enrol a second agent; a revoked
token enrols none; a revoked agent's heartbeat is refused; an enrolled
state directory does not enrol again."""
import json
import os
import stat
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Client, Server, check, fail  # noqa: E402

AGENT = os.environ.get("RAMPART_AGENT")


def agent(*args, stdin=None):
    return subprocess.run([AGENT] + list(args), input=stdin,
                          capture_output=True, text=True, timeout=120)


def new_token(c, tenant, uses=None):
    body = {"name": "it"}
    if uses is not None:
        body["uses"] = uses
    r = c.request("POST", f"/api/v1/tenants/{tenant}/enroll-tokens",
                  body=body)
    check(r.status == 201, f"create enrolment token: {r}")
    check(r.json["secret"].startswith("rpe1."), f"token form: {r}")
    return r.json


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def enrol_ok(url, secret, state, name):
    r = agent("enroll", url, secret, "--state", state, "--hostname", name)
    check(r.returncode == 0,
          f"enroll {name}: exit {r.returncode}: {r.stdout}{r.stderr}")
    check(mode(state) == 0o700, f"{state}: mode {mode(state):o}")
    key = os.path.join(state, "identity.key")
    check(mode(key) == 0o600 and os.path.getsize(key) == 64,
          f"identity.key: mode {mode(key):o}")
    rec = json.load(open(os.path.join(state, "agent.json")))
    check(sorted(rec) == ["agent_id", "fingerprint", "job_key", "server",
                          "tenant"], f"agent.json: {rec}")
    # The job-signing key pinned is the one the server's signer holds.
    host, port = url.split("//")[1].rsplit(":", 1)
    health = Client(host, int(port), rec["fingerprint"]).request(
        "GET", "/api/v1/health").json
    check(rec["job_key"] == health["job_key"],
          f"pinned {rec['job_key']}, the server signs with "
          f"{health.get('job_key')}")
    check(secret not in open(os.path.join(state, "agent.json")).read(),
          "the token's secret is in agent.json")
    check(secret.split(".")[2] not in r.stdout + r.stderr,
          "the token's secret was printed")
    return rec


def heartbeat(state):
    # The name the agent enrolled under (--hostname); without it the
    # heartbeat reports this machine's own.
    return agent("heartbeat", "--state", state, "--hostname", "ws-acct-01")


def main():
    check(AGENT, "RAMPART_AGENT must name rampart-agent")
    srv = Server()
    tmp = tempfile.mkdtemp(prefix="rampart-agent-it-")
    try:
        srv.start()
        url = f"https://127.0.0.1:{srv.port}"
        fp = srv.fingerprint.replace(":", "").lower()
        c = srv.client()
        b = srv.bootstrap
        r = c.login(b["user"], b["password"], b["totp_secret"])
        check(r.status == 200, f"admin login: {r}")
        r = c.request("POST", "/api/v1/tenants",
                      body={"slug": "acme", "name": "Acme Dental"})
        check(r.status == 201, f"create tenant: {r}")

        # 1. one single-use token, one agent
        tok = new_token(c, "acme", uses=1)
        secret = tok["secret"]
        check(secret.split(".")[1] == fp,
              f"the token does not carry the server's fingerprint: "
              f"{secret.split('.')[1]} != {fp}")
        a_dir = os.path.join(tmp, "a")
        rec = enrol_ok(url, secret, a_dir, "ws-acct-01")
        check(rec["server"] == url and rec["fingerprint"] == fp and
              rec["tenant"] == "acme", f"agent.json: {rec}")
        a_id = rec["agent_id"]

        r = heartbeat(a_dir)
        check(r.returncode == 0, f"heartbeat: {r.returncode}: {r.stderr}")
        hb = json.loads(r.stdout)
        check(hb["agent_id"] == a_id and hb["tenant"] == "acme" and
              "next_heartbeat" in hb and "server_time" in hb,
              f"heartbeat answer: {hb}")

        r = c.request("GET", "/api/v1/agents")
        check(r.status == 200, f"agents: {r}")
        mine = [a for a in r.json["items"] if a["id"] == a_id]
        check(len(mine) == 1, f"agent {a_id} not listed: {r}")
        check(mine[0]["hostname"] == "ws-acct-01" and
              mine[0]["tenant"] == "acme" and mine[0]["last_seen"] and
              mine[0]["revoked_at"] is None, f"agent: {mine[0]}")

        # 2. the used-up token does not enrol a second agent
        b_dir = os.path.join(tmp, "b")
        r = agent("enroll", url, secret, "--state", b_dir)
        check(r.returncode == 1 and "enroll_token_invalid" in r.stderr,
              f"used-up token: {r.returncode}: {r.stderr}")
        check(not os.path.exists(os.path.join(b_dir, "agent.json")),
              "agent.json written for a refused enrolment")

        # 3. a token naming another certificate: refused by the agent
        # before it sends anything, so the secret is still unused after
        tok2 = new_token(c, "acme", uses=1)
        parts = tok2["secret"].split(".")
        wrong = "ab" * 32 if parts[1] != "ab" * 32 else "cd" * 32
        c_dir = os.path.join(tmp, "c")
        r = agent("enroll", url, f"rpe1.{wrong}.{parts[2]}",
                  "--state", c_dir)
        check(r.returncode == 3 and
              "certificate fingerprint mismatch" in r.stderr,
              f"wrong fingerprint: {r.returncode}: {r.stderr}")
        check(not os.path.exists(os.path.join(c_dir, "agent.json")),
              "agent.json written against another certificate")
        r = c.request("GET", "/api/v1/tenants/acme/enroll-tokens")
        used = [t["used"] for t in r.json["items"]
                if t["id"] == tok2["token"]["id"]]
        check(used == [0], f"the refused enrolment used the token: {r}")
        # the same secret, with the right fingerprint, then enrols
        # (the key made by the refused attempt is the one enrolled)
        rec_c = enrol_ok(url, tok2["secret"], c_dir, "ws-acct-02")
        check(rec_c["agent_id"] != a_id, "two agents, one ID")

        # 4. a revoked token enrols none
        tok3 = new_token(c, "acme", uses=0)
        r = c.request("DELETE", f"/api/v1/enroll-tokens/{tok3['token']['id']}")
        check(r.status == 204, f"revoke token: {r}")
        r = agent("enroll", url, tok3["secret"], "--state",
                  os.path.join(tmp, "d"))
        check(r.returncode == 1 and "enroll_token_invalid" in r.stderr,
              f"revoked token: {r.returncode}: {r.stderr}")

        # 5. a revoked agent's heartbeat is refused; the other goes on
        r = c.request("DELETE", f"/api/v1/agents/{a_id}")
        check(r.status == 204, f"revoke agent: {r}")
        r = heartbeat(a_dir)
        check(r.returncode == 1 and "unauthorized" in r.stderr,
              f"revoked agent's heartbeat: {r.returncode}: {r.stderr}")
        r = heartbeat(c_dir)
        check(r.returncode == 0, f"other agent: {r.returncode}: {r.stderr}")
        r = c.request("GET", f"/api/v1/agents/{a_id}")
        check(r.status == 200 and r.json["revoked_at"], f"revoked: {r}")

        # 6. an enrolled state directory does not enrol again
        before = open(os.path.join(c_dir, "agent.json")).read()
        tok4 = new_token(c, "acme")
        r = agent("enroll", url, tok4["secret"], "--state", c_dir)
        check(r.returncode == 2 and "already enrolled" in r.stderr,
              f"second enrolment: {r.returncode}: {r.stderr}")
        check(open(os.path.join(c_dir, "agent.json")).read() == before,
              "agent.json changed by a refused enrolment")
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except (KeyError, ValueError, TypeError) as e:
        fail(f"unexpected answer: {e!r}")
