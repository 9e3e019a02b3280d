#!/usr/bin/env python3
"""rampart-agent job run on signed envelopes built here exactly as
docs/jobs.md says (the payload's bytes; Ed25519 over "rampart-job-v1\\n" +
payload; the envelope {"key", "payload", "sig"}), against a state
directory whose agent.json pins a test key as enrolment writes it.

Checked: a quarantine job takes a planted file into the store, a restore
job puts it back byte-identical, a purge job deletes an entry; every
refusal -- bad signature, another key, another agent, expired, issued
in the future, replayed, arguments that do not parse (an unknown member,
a relative path), a type agent.conf denies, no key pinned -- exits 3,
says why in the JSON and in the log line, and leaves the planted file
where it was, byte-identical, with the store empty; agent.conf mistakes
name the file and line; terminate leaves a process whose executable has
another hash running and ends it with the right one; a sweep job with a
bundle that is not in the cache fails saying so, and with the cached
bundle quarantines what matched."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import check, fail  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import (  # noqa: E402
    Encoding, PublicFormat)

AGENT = os.environ.get("RAMPART_AGENT")
AGENT_ID = "abcdefghijklmnopqrstuvwxyz"
OTHER_AGENT = "zyxwvutsrqponmlkjihgfedcba"
B32 = "abcdefghijklmnopqrstuvwxyz234567"
CONTENT = b"planted for the signed-jobs test\n"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def raw_pk(key):
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key):
    return hashlib.sha256(raw_pk(key)).hexdigest()[:16]


def new_id():
    return "".join(B32[b % 32] for b in os.urandom(26))


def payload(jtype, args, agent=AGENT_ID, issued=None, expires=None,
            nonce=None, job=None):
    now = int(time.time())
    issued = now - 10 if issued is None else issued
    expires = issued + 3600 if expires is None else expires
    p = {"v": 1, "type": jtype, "job": job or new_id(), "agent": agent,
         "issued": issued, "expires": expires,
         "nonce": nonce or b64url(os.urandom(16)), "args": args}
    return json.dumps(p, separators=(",", ":"))


def envelope(key, text, kid=None, sig=None):
    s = key.sign(b"rampart-job-v1\n" + text.encode())
    return json.dumps({"key": kid or key_id(key), "payload": text,
                       "sig": sig or b64url(s)})


class Env:
    def __init__(self, tmp, key):
        self.tmp = tmp
        self.key = key
        self.state = os.path.join(tmp, "state")
        self.store = os.path.join(tmp, "store")
        self.files = os.path.join(tmp, "files")
        os.makedirs(self.files)
        os.mkdir(self.state, 0o700)
        rec = {"server": "https://rampart.example.org:8443",
               "fingerprint": "ab" * 32, "agent_id": AGENT_ID,
               "tenant": "acme",
               "job_key": {"id": key_id(key),
                           "public_key": b64url(raw_pk(key))}}
        with open(os.path.join(self.state, "agent.json"), "w") as f:
            json.dump(rec, f, indent=2)
        self.conf = os.path.join(tmp, "agent.conf")
        self.write_conf("[jobs]\n")
        self.n = 0

    def write_conf(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def run(self, env_text, *extra):
        self.n += 1
        path = os.path.join(self.tmp, f"env{self.n}.json")
        with open(path, "w") as f:
            f.write(env_text)
        r = subprocess.run([AGENT, "job", "run", "--state", self.state,
                            "--config", self.conf, "--store", self.store,
                            *extra, path], capture_output=True, text=True,
                           timeout=300)
        out = None
        if r.stdout.strip():
            try:
                out = json.loads(r.stdout)
            except ValueError:
                fail(f"job run printed no JSON:\n{r.stdout}{r.stderr}")
        return r, out

    def job(self, jtype, args, **kw):
        return self.run(envelope(self.key, payload(jtype, args, **kw)))

    def entries(self):
        r = subprocess.run([AGENT, "quarantine", "--store", self.store,
                            "list", "--json"], capture_output=True,
                           text=True, timeout=60)
        check(r.returncode == 0, f"quarantine list: {r.stderr}")
        return json.loads(r.stdout)

    def plant(self, name="bad.bin"):
        p = os.path.join(self.files, name)
        with open(p, "wb") as f:
            f.write(CONTENT)
        return p


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def expect(r, out, code, state, reason=None):
    check(r.returncode == code,
          f"exit {r.returncode}, expected {code}:\n{r.stdout}{r.stderr}")
    check(out is not None and out["state"] == state,
          f"state: {out}, expected {state}")
    if reason is not None:
        check(reason in out["reason"],
              f"reason {out['reason']!r} lacks {reason!r}")
        logged = [ln for ln in r.stderr.splitlines()
                  if f"msg=\"job {state}\"" in ln]
        check(logged and reason.replace('"', '\\"') in logged[0],
              f"not logged with its reason {reason!r}:\n{r.stderr}")


def part_round_trip(e):
    p = e.plant()
    digest = sha(p)
    r, out = e.job("quarantine", {"path": p, "sha256": digest})
    expect(r, out, 0, "done")
    check(not os.path.exists(p), "quarantined file still at its path")
    ents = e.entries()
    check(len(ents) == 1 and ents[0]["path"] == p, f"store: {ents}")
    res = out["results"][0]
    check(res["entry"] == ents[0]["id"] and res["sha256"] == digest
          and res["path"] == p, f"results: {out['results']}")
    check(out["job"] and out["type"] == "quarantine", f"{out}")
    r, out = e.job("restore", {"entry": res["entry"]})
    expect(r, out, 0, "done")
    check(os.path.exists(p) and sha(p) == digest, "restored, not identical")
    check(out["results"][0] == {"entry": res["entry"], "path": p},
          f"restore results: {out['results']}")
    check(e.entries() == [], "entry left after restore")
    # purge
    r, out = e.job("quarantine", {"path": p})
    expect(r, out, 0, "done")
    entry = out["results"][0]["entry"]
    r, out = e.job("purge", {"entry": entry})
    expect(r, out, 0, "done")
    check(e.entries() == [] and not os.path.exists(p), "purge left things")
    r, out = e.job("purge", {"entry": entry})
    expect(r, out, 1, "failed", "no such entry")
    # a hash that differs: failed, nothing moved
    p = e.plant()
    r, out = e.job("quarantine", {"path": p, "sha256": "0" * 64})
    expect(r, out, 1, "failed", "SHA-256")
    check(sha(p) == digest and e.entries() == [], "moved despite the hash")


def unchanged(e, p, digest, what):
    check(os.path.exists(p) and sha(p) == digest,
          f"{what}: the planted file changed")
    check(e.entries() == [], f"{what}: something was quarantined")


def part_refusals(e):
    p = e.plant()
    digest = sha(p)
    args = {"path": p}
    other = Ed25519PrivateKey.generate()
    now = int(time.time())
    text = payload("quarantine", args)
    good = json.loads(envelope(e.key, text))
    sig = bytearray(base64.urlsafe_b64decode(good["sig"] + "=="))
    sig[0] ^= 1
    cases = [
        ("bad signature", envelope(e.key, text, sig=b64url(bytes(sig))),
         "the signature does not verify"),
        ("another key", envelope(other, text),
         "signed by another key than the one pinned at enrolment"),
        ("another key, pinned ID", envelope(other, text, kid=key_id(e.key)),
         "the signature does not verify"),
        ("another agent",
         envelope(e.key, payload("quarantine", args, agent=OTHER_AGENT)),
         f"the job is for agent {OTHER_AGENT}"),
        ("expired", envelope(e.key, payload("quarantine", args,
                                            issued=now - 7200,
                                            expires=now - 60)),
         "expired at"),
        ("future", envelope(e.key, payload("quarantine", args,
                                           issued=now + 900)),
         "issued in the future"),
        ("unknown member", envelope(e.key, payload(
            "quarantine", {"path": p, "mode": 1})), "mode"),
        ("relative path", envelope(e.key, payload(
            "quarantine", {"path": "files/bad.bin"})),
         "path: expected an absolute"),
    ]
    for what, env_text, reason in cases:
        r, out = e.run(env_text)
        expect(r, out, 3, "rejected", reason)
        unchanged(e, p, digest, what)
    # signed, but refused: the job's ID is reported
    jid = new_id()
    r, out = e.run(envelope(e.key, payload("quarantine", {"path": "x"},
                                           job=jid)))
    check(out["job"] == jid, f"the ID of a signed refusal: {out}")
    # a type agent.conf denies
    e.write_conf("# no quarantine here\n[jobs]\ndeny = quarantine\n")
    r, out = e.job("quarantine", args)
    expect(r, out, 3, "rejected", "job type 'quarantine' is not allowed")
    unchanged(e, p, digest, "denied")
    e.write_conf("[jobs]\nallow = restore, purge terminate\n")
    r, out = e.job("quarantine", args)
    expect(r, out, 3, "rejected", "is not allowed")
    e.write_conf("[jobs]\n")
    # replayed: the same envelope twice
    once = envelope(e.key, payload("quarantine", args))
    r, out = e.run(once)
    expect(r, out, 0, "done")
    r2, _ = subprocess.run([AGENT, "quarantine", "--store", e.store,
                            "restore", out["results"][0]["entry"]],
                           capture_output=True, text=True), None
    check(r2.returncode == 0, f"restore: {r2.stderr}")
    r, out = e.run(once)
    expect(r, out, 3, "rejected", "replayed")
    unchanged(e, p, digest, "replayed")
    check(os.path.getsize(os.path.join(e.state, "jobs-seen")) % 80 == 0,
          "jobs-seen is not whole records")


def part_no_key(tmp, e):
    state = os.path.join(tmp, "state-nokey")
    os.mkdir(state, 0o700)
    rec = json.load(open(os.path.join(e.state, "agent.json")))
    del rec["job_key"]
    with open(os.path.join(state, "agent.json"), "w") as f:
        json.dump(rec, f)
    p = e.plant()
    path = os.path.join(tmp, "nokey.json")
    with open(path, "w") as f:
        f.write(envelope(e.key, payload("quarantine", {"path": p})))
    r = subprocess.run([AGENT, "job", "run", "--state", state, "--config",
                        e.conf, "--store", e.store, path],
                       capture_output=True, text=True, timeout=60)
    out = json.loads(r.stdout)
    expect(r, out, 3, "rejected",
           "no job-signing key was pinned at enrolment")
    # agent.json whose job_key ID is not its key's is refused
    rec["job_key"] = {"id": "0" * 16, "public_key": b64url(raw_pk(e.key))}
    with open(os.path.join(state, "agent.json"), "w") as f:
        json.dump(rec, f)
    r = subprocess.run([AGENT, "job", "run", "--state", state, path],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and "job_key" in r.stderr,
          f"a wrong key ID was accepted: {r.returncode} {r.stderr}")


def part_conf_errors(e):
    p = e.plant()
    for text, line, what in [
            ("[jobs]\nallow = quarantine\ndeny = quarantnie\n", 3,
             "unknown job type 'quarantnie'"),
            ("# c\n[job]\n", 2, "unknown section [job]"),
            ("[jobs]\n\nalow = sweep\n", 3, "unknown key 'alow'"),
            ("[jobs]\nthis is not ini\n", 2, "expected 'key = value'")]:
        e.write_conf(text)
        r, out = e.job("quarantine", {"path": p})
        check(r.returncode == 2 and f"{e.conf}:{line}: " in r.stderr
              and what in r.stderr,
              f"agent.conf {text!r}: exit {r.returncode}:\n{r.stderr}")
    e.write_conf("[jobs]\n")
    missing = os.path.join(e.tmp, "none.conf")
    r = subprocess.run([AGENT, "job", "run", "--state", e.state, "--config",
                        missing, "-"], input="{}", capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 2 and missing in r.stderr,
          f"a missing --config: {r.returncode} {r.stderr}")
    check(os.path.exists(p) and e.entries() == [], "conf errors acted")


def part_terminate(e):
    real = os.path.realpath(shutil.which("sleep"))
    child = subprocess.Popen([real, "600"])
    try:
        r, out = e.job("terminate", {"pid": child.pid,
                                     "exe_sha256": "1" * 64})
        expect(r, out, 1, "failed", "not the job's exe_sha256")
        check(child.poll() is None, "a wrong hash ended the process")
        check(out["results"][0]["outcome"] == "not-terminated"
              and out["results"][0]["sha256"] == sha(real),
              f"results: {out['results']}")
        r, out = e.job("terminate", {"pid": child.pid,
                                     "exe_sha256": sha(real)})
        expect(r, out, 0, "done")
        child.wait(timeout=60)
        check(child.returncode == -9, f"ended with {child.returncode}")
        check(out["results"][0]["outcome"] == "terminated", f"{out}")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    r, out = e.job("terminate", {"pid": child.pid, "exe_sha256": sha(real)})
    expect(r, out, 1, "failed", "no such process")


def part_sweep(e):
    root = os.path.join(e.tmp, "sweep")
    os.makedirs(os.path.join(root, "a"))
    bad = os.path.join(root, "a", "bad.bin")
    with open(bad, "wb") as f:
        f.write(CONTENT)
    with open(os.path.join(root, "clean.txt"), "w") as f:
        f.write("clean\n")
    bundle = json.dumps({"rampart_bundle": 1,
                         "created": "2026-01-01T00:00:00Z",
                         "advisories": [], "yara": [],
                         "indicators": [{"type": "sha256",
                                         "value": sha(bad),
                                         "source": "it-jobs"}]}).encode()
    h = hashlib.sha256(bundle).hexdigest()
    args = {"bundle": h, "quarantine": True, "terminate": False}
    r2 = subprocess.run([AGENT, "job", "run", "--state", e.state,
                         "--config", e.conf, "--store", e.store, "--root",
                         root, "-"], input=envelope(e.key, payload(
                             "sweep", args)), capture_output=True,
                        text=True, timeout=300)
    out = json.loads(r2.stdout)
    expect(r2, out, 1, "failed",
           f"rules bundle {h} is not available on this agent")
    check(os.path.exists(bad), "swept without a bundle")
    os.mkdir(os.path.join(e.state, "bundles"), 0o700)
    with open(os.path.join(e.state, "bundles", f"{h}.json"), "wb") as f:
        f.write(bundle)
    r2 = subprocess.run([AGENT, "job", "run", "--state", e.state,
                         "--config", e.conf, "--store", e.store, "--root",
                         root, "-"], input=envelope(e.key, payload(
                             "sweep", args)), capture_output=True,
                        text=True, timeout=300)
    out = json.loads(r2.stdout)
    expect(r2, out, 0, "done")
    rep = out["results"][0]
    check(rep["counters"]["hits"] == 1 and rep["hits"][0]["path"] == bad,
          f"sweep: {rep.get('counters')} {rep.get('hits')}")
    check(not os.path.exists(bad)
          and rep["quarantine"][0]["entry"] is not None
          and rep["quarantine"][0]["sha256"] == rep["hits"][0]["sha256"],
          f"not quarantined: {rep.get('quarantine')}")
    # a cached file that is not the bundle the job names
    with open(os.path.join(e.state, "bundles", f"{h}.json"), "ab") as f:
        f.write(b" ")
    r2 = subprocess.run([AGENT, "job", "run", "--state", e.state,
                         "--config", e.conf, "--store", e.store, "--root",
                         root, "-"], input=envelope(e.key, payload(
                             "sweep", args)), capture_output=True,
                        text=True, timeout=300)
    expect(r2, json.loads(r2.stdout), 1, "failed", "damaged or replaced")


def part_blocklist(e):
    """block-verify (and block-apply, through the same loader) with a
    blob it does not hold, a cached file that is not the blob the job
    names, and one whose hash holds but that is not canonical: failed
    before anything is resolved or loaded."""
    canon = (b'{"v":1,"addresses":["192.0.2.1"],"domains":["x.example"],'
             b'"sinkhole":["0.0.0.0","::"]}')
    h = hashlib.sha256(canon).hexdigest()
    r, out = e.job("block-verify", {"blocklist": h})
    expect(r, out, 1, "failed", f"blocklist {h} is not available on this "
           "agent")
    d = os.path.join(e.state, "blocklists")
    os.mkdir(d, 0o700)
    with open(os.path.join(d, f"{h}.json"), "wb") as f:
        f.write(canon + b" ")
    r, out = e.job("block-apply", {"blocklist": h})
    expect(r, out, 1, "failed", "damaged or replaced")
    spaced = canon.replace(b",", b", ")
    h2 = hashlib.sha256(spaced).hexdigest()
    with open(os.path.join(d, f"{h2}.json"), "wb") as f:
        f.write(spaced)
    r, out = e.job("block-verify", {"blocklist": h2})
    expect(r, out, 1, "failed", "not in the canonical form")


def part_inventory(e):
    root = os.path.join(e.tmp, "root")
    os.makedirs(os.path.join(root, "var/lib/dpkg"))
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        for n in ("alpha", "beta"):
            f.write(f"Package: {n}\nStatus: install ok installed\n"
                    f"Version: 1.0\nArchitecture: amd64\n\n")
    r = subprocess.run([AGENT, "job", "run", "--state", e.state, "--config",
                        e.conf, "--root", root, "-"],
                       input=envelope(e.key, payload("inventory", {})),
                       capture_output=True, text=True, timeout=300)
    out = json.loads(r.stdout)
    expect(r, out, 0, "done")
    check(out["results"][0]["software"] == 2, f"inventory: {out}")


def main():
    check(AGENT, "RAMPART_AGENT must name rampart-agent")
    tmp = tempfile.mkdtemp(prefix="rampart-agent-jobs-")
    try:
        e = Env(tmp, Ed25519PrivateKey.generate())
        part_round_trip(e)
        part_refusals(e)
        part_no_key(tmp, e)
        part_conf_errors(e)
        part_terminate(e)
        part_sweep(e)
        part_blocklist(e)
        part_inventory(e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("all checks passed")


if __name__ == "__main__":
    main()
