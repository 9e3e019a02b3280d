#!/usr/bin/env python3
"""rampart-agent run against a server that plays the upload contract of
docs/agent-protocol.md and can misbehave on cue (the agent against the
real rampartd: tests/it/agent_run.py).  The fake server is Python's
http.server over TLS with a certificate made here; it checks every agent
request's Ed25519 signature with the key the agent enrolled, dedupes
uploads by seq, keeps the inventory and applies deltas (409
inventory_base for a base it does not hold), and answers 503, 400 or
holds a request when the test says so.

Checked: --once sends a heartbeat, a full inventory of the fake root
(exactly its dpkg packages) and a sweep report, and exits 0 with the
queue empty; a changed root gives a delta against the last full one,
which the server applies to exactly the new list; a 409 makes the agent
drop the delta and send a full inventory; 503 is retried with the
backoff growing 1, 2, 4 s and the item stored once; a 400 drops the item
with a loud log line and exit 1; with the server down --once exits 3 and
keeps everything, and the next run sends it; items the server already
has (a queue restored as after a kill between the server's answer and
the unlink) come back duplicate:true and are removed, stored once;
SIGTERM while a request is in flight lets it finish (the item the server
took is removed) and exits 0; a full queue refuses new items with an
error line and keeps its own; bad usage and a bad rules bundle exit 2;
no log line holds a signature or the key.
Waits are on events (the server's records, the agent's log lines),
never sleeps."""
import base64
import collections
import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import check, fail  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: E402
    Ed25519PublicKey)

AGENT = os.environ.get("RAMPART_AGENT")
DATA = os.environ.get("RAMPART_SHARED_DATA")
AGENT_ID = "abcdefghijklmnopqrstuvwxyz"
WAIT = 300  # seconds before a wait is a failure (never reached when well)


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def canon(entry):
    return json.dumps(entry, sort_keys=True, separators=(",", ":"))


class Fake:
    """The server's side of the contract, with cues for misbehaving."""

    def __init__(self, tmp):
        self.dir = tmp
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", f"{tmp}/key.pem", "-out",
                        f"{tmp}/cert.pem", "-days", "2", "-subj",
                        "/CN=rampart-fake"], check=True,
                       capture_output=True)
        der = ssl.PEM_cert_to_DER_cert(open(f"{tmp}/cert.pem").read())
        self.fp = hashlib.sha256(der).hexdigest()
        self.cv = threading.Condition()
        self.pk = None
        self.heartbeats = 0
        self.polls = 0  # job polls
        self.attempts = collections.Counter()  # per route
        self.answers = []  # (route, seq, status, duplicate)
        self.applied = []  # (route, body) in the order applied
        self.highest = 0
        self.inv_seq = 0  # the inventory it holds (0: none)
        self.inv = collections.Counter()
        self.plan = {"inventory": [], "sweeps": []}  # statuses to answer
        self.hold = None  # an Event uploads wait for
        self.held = 0
        self.auth_values = []
        self.srv = None

    # -- serving --
    def start(self):
        fake = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                status, out = fake.handle(self.command, self.path,
                                          self.headers, body)
                data = json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                # the job poll: this fake never has a job, and answers at
                # once (as a server whose hold is 0 would)
                self.do_POST()

        # the same port when started again: agent.json names it
        self.srv = http.server.ThreadingHTTPServer(
            ("127.0.0.1", getattr(self, "port", 0)), H)
        self.srv.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(f"{self.dir}/cert.pem", f"{self.dir}/key.pem")
        self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def wait(self, pred, what):
        with self.cv:
            if not self.cv.wait_for(pred, WAIT):
                fail(f"the server never saw: {what}")

    # -- the contract --
    def verify(self, method, path, headers, body):
        auth = headers.get("Authorization", "")
        m = re.fullmatch(r"Rampart-Agent id=([a-z2-7]{26}),ts=(\d+),"
                         r"nonce=([A-Za-z0-9_-]{22}),"
                         r"sig=([A-Za-z0-9_-]{86})", auth)
        if not m or m.group(1) != AGENT_ID or self.pk is None:
            return False
        msg = "\n".join(["rampart-agent-v1", method, path, m.group(2),
                         m.group(3), hashlib.sha256(body).hexdigest()])
        try:
            self.pk.verify(b64d(m.group(4)), msg.encode())
        except Exception:
            return False
        self.auth_values.append(m.group(4))
        return True

    def handle(self, method, path, headers, body):
        if path == "/api/v1/agents/enroll":
            req = json.loads(body)
            self.pk = Ed25519PublicKey.from_public_bytes(
                b64d(req["public_key"]))
            return 201, {"agent_id": AGENT_ID, "tenant": "acme",
                         "server_time": "2026-01-01T00:00:00Z"}
        if not self.verify(method, path, headers, body):
            return 401, {"error": {"code": "unauthorized",
                                   "message": "bad signature"}}
        if path == "/api/v1/agent/heartbeat":
            with self.cv:
                self.heartbeats += 1
                self.cv.notify_all()
            return 200, {"agent_id": AGENT_ID, "tenant": "acme",
                         "server_time": "2026-01-01T00:00:00Z",
                         "next_heartbeat": 60}
        if method == "GET" and re.fullmatch(r"/api/v1/agent/jobs\?wait="
                                            r"\d+", path):
            with self.cv:
                self.polls += 1
                self.cv.notify_all()
            return 200, {"jobs": []}
        route = path.rsplit("/", 1)[-1]
        if route not in ("inventory", "sweeps"):
            return 404, {"error": {"code": "not_found", "message": path}}
        return self.upload(route, json.loads(body))

    def upload(self, route, req):
        with self.cv:
            self.attempts[route] += 1
            self.cv.notify_all()
            planned = self.plan[route].pop(0) if self.plan[route] else None
            hold = self.hold
        if hold is not None:
            with self.cv:
                self.held += 1
                self.cv.notify_all()
            hold.wait(WAIT)
        if planned == 503:
            return 503, {"error": {"code": "unavailable",
                                   "message": "try later"}}
        if planned == 400:
            return 400, {"error": {"code": "invalid_upload",
                                   "message": "expected a string",
                                   "field": "/report/hits/0/path"}}
        with self.cv:
            status, out = self.apply(route, req)
            self.answers.append((route, req["seq"], status,
                                 out.get("duplicate")))
            self.cv.notify_all()
        return status, out

    def apply(self, route, req):
        seq = req["seq"]
        if seq <= self.highest:
            return 200, {"seq": seq, "duplicate": True}
        if route == "inventory":
            if req["kind"] == "full":
                inv = collections.Counter(canon(e) for e in req["software"])
            else:
                inv = collections.Counter(self.inv)
                bad = req["base"] != self.inv_seq
                for e in req["remove"]:
                    bad = bad or inv[canon(e)] == 0
                    inv[canon(e)] -= 1
                if bad:
                    return 409, {"error": {"code": "inventory_base",
                                           "message": "not my base"},
                                 "inventory": self.inv_seq}
                inv.update(canon(e) for e in req["add"])
                inv = +inv
            self.inv, self.inv_seq = inv, seq
        self.highest = seq
        self.applied.append((route, req))
        return 200, {"seq": seq, "duplicate": False}


# Every daemon started, killed when the test ends however it ends.
STARTED = []


def kill_started():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
            p.wait()


class Daemon:
    """rampart-agent run in the background; its log lines as they come."""

    def __init__(self, args):
        self.p = subprocess.Popen([AGENT, "run"] + args,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        self.lines = []
        self.cv = threading.Condition()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stderr:
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.lines.append(None)  # the end
            self.cv.notify_all()

    def wait_log(self, pattern, count=1):
        rx = re.compile(pattern)

        def seen():
            return sum(1 for x in self.lines if x and rx.search(x)) >= \
                count or None in self.lines
        with self.cv:
            if not self.cv.wait_for(seen, WAIT):
                fail(f"the agent never logged {pattern}")
            if sum(1 for x in self.lines if x and rx.search(x)) < count:
                fail(f"the agent ended without logging {pattern}:\n"
                     + self.text())

    def text(self):
        return "".join(x for x in self.lines if x)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(WAIT)
        self.t.join(WAIT)
        return rc


def once(state, *extra):
    return subprocess.run([AGENT, "run", "--once", "--state", state,
                           "--hostname", "ws-1"] + list(extra),
                          capture_output=True, text=True, timeout=WAIT)


def status_entries(path):
    """(name, version, arch) of the dpkg paragraphs of a status file."""
    out = collections.Counter()
    for para in open(path).read().split("\n\n"):
        f = dict(re.findall(r"^(Package|Version|Architecture): (.*)$",
                            para, re.M))
        if "Package" in f:
            out[(f["Package"], f["Version"], f.get("Architecture"))] += 1
    return out


def held_entries(fake):
    """(name, version, arch) of the dpkg entries the server holds."""
    out = collections.Counter()
    for k, n in fake.inv.items():
        e = json.loads(k)
        if e.get("source") == "dpkg":
            out[(e["name"], e["version"], e.get("arch"))] += n
    return out


def queued(state):
    q = os.path.join(state, "queue")
    return sorted(f for f in os.listdir(q) if re.fullmatch(r"\d{16}", f))


def make_root(tmp):
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "var/lib/dpkg"))
    os.makedirs(os.path.join(root, "etc"))
    shutil.copy(os.path.join(DATA, "inventory/dpkg/debian-12-status"),
                os.path.join(root, "var/lib/dpkg/status"))
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write('NAME="Debian GNU/Linux"\nVERSION_ID="12"\n')
    return root


def change_root(root):
    """Removes three packages and upgrades one, as apt would."""
    p = os.path.join(root, "var/lib/dpkg/status")
    paras = open(p).read().rstrip("\n").split("\n\n")
    paras = paras[:10] + paras[13:]
    paras[20] = re.sub(r"^Version: .*$", "Version: 99:9.9-1", paras[20],
                       flags=re.M)
    with open(p + ".new", "w") as f:
        f.write("\n\n".join(paras) + "\n")
    os.rename(p + ".new", p)


def make_bundle(tmp):
    sweep = os.path.join(tmp, "sweep")
    os.makedirs(os.path.join(sweep, "a"))
    with open(os.path.join(sweep, "a/bad.bin"), "w") as f:
        f.write("planted for the agent daemon test\n")
    with open(os.path.join(sweep, "clean.txt"), "w") as f:
        f.write("clean\n")
    digest = hashlib.sha256(
        b"planted for the agent daemon test\n").hexdigest()
    bundle = os.path.join(tmp, "bundle.json")
    with open(bundle, "w") as f:
        json.dump({"rampart_bundle": 1, "created": "2026-01-01T00:00:00Z",
                   "advisories": [], "yara": [],
                   "indicators": [{"type": "sha256", "value": digest,
                                   "source": "it-daemon"}]}, f)
    return sweep, bundle


def no_secrets(fake, state, text):
    for v in fake.auth_values:
        check(v not in text, "a request signature is in the agent's log")
    seed = open(os.path.join(state, "identity.key"), "rb").read()[:32]
    for enc in (seed.hex(), base64.b64encode(seed).decode().rstrip("="),
                base64.urlsafe_b64encode(seed).decode().rstrip("=")):
        check(enc not in text, "the agent's key is in its log")


def part_once(fake, state, root, sweep, bundle):
    """--once: heartbeat, full inventory, sweep; all taken."""
    r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
             "--sweep-root", sweep)
    check(r.returncode == 0, f"--once: exit {r.returncode}:\n{r.stderr}")
    check(fake.heartbeats == 1, f"heartbeats: {fake.heartbeats}")
    inv = [b for rt, b in fake.applied if rt == "inventory"]
    sw = [b for rt, b in fake.applied if rt == "sweeps"]
    check(len(inv) == 1 and inv[0]["kind"] == "full" and inv[0]["seq"] == 1,
          f"inventory uploads: {[(b['seq'], b['kind']) for b in inv]}")
    check(inv[0]["host"]["name"] == "ws-1" and
          set(inv[0]["host"]) <= {"name", "id", "os", "os_version", "arch"},
          f"host: {inv[0]['host']}")
    check(held_entries(fake) == status_entries(
        os.path.join(root, "var/lib/dpkg/status")),
        "the server's inventory is not the root's dpkg packages")
    check(len(sw) == 1 and sw[0]["seq"] == 2 and
          sw[0]["report"]["counters"]["hits"] == 1 and
          sw[0]["report"]["hits"][0]["path"].endswith("/a/bad.bin") and
          re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                       sw[0]["started_at"]),
          f"sweep upload: {sw}")
    check(queued(state) == [], f"left in the queue: {queued(state)}")
    st = json.load(open(os.path.join(state, "inventory.json")))
    check(st["seq"] == 1 and len(st["software"]) == len(inv[0]["software"]),
          "inventory.json is not the inventory queued")
    check(json.load(open(os.path.join(state, "sweep.json")))["seq"] == 2,
          "sweep.json does not record the sweep")
    check(open(os.path.join(state, "queue/seq")).read() == "2\n",
          "queue/seq")
    no_secrets(fake, state, r.stderr)


def part_refused(fake, state, root, sweep, bundle):
    """A 400 for the sweep: dropped, said loudly, exit 1."""
    fake.plan["sweeps"] = [400]
    r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
             "--sweep-root", sweep)
    check(r.returncode == 1, f"400: exit {r.returncode}:\n{r.stderr}")
    check(re.search(r'level=error msg="UPLOAD REFUSED AND DROPPED.*'
                    r'kind=sweep status=400 code=invalid_upload .*'
                    r'field=/report/hits/0/path', r.stderr),
          f"the drop is not logged with the server's error:\n{r.stderr}")
    check(queued(state) == [], f"a refused item was kept: {queued(state)}")


def part_down_then_duplicates(fake, tmp, state, root, sweep, bundle):
    """Server down: exit 3, all kept, numbers go on; then sent.  Items
    sent again (a queue as a kill before the unlink leaves it) come back
    duplicate:true and are removed; the server stores each once."""
    fake.stop()
    for _ in range(2):
        r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
                 "--sweep-root", sweep)
        check(r.returncode == 3, f"down: exit {r.returncode}:\n{r.stderr}")
    q = queued(state)
    # one full inventory (the second superseded the first) and 2 sweeps
    check(len(q) == 3, f"queued while down: {q}")
    backup = os.path.join(tmp, "backup")
    shutil.copytree(os.path.join(state, "queue"), backup)
    fake.start()
    before = len(fake.applied)
    r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
             "--sweep-root", sweep)
    check(r.returncode == 0, f"back up: exit {r.returncode}:\n{r.stderr}")
    seqs = [b["seq"] for _, b in fake.applied[before:]]
    check(seqs == sorted(seqs) and len(seqs) == 4,
          f"sent after the outage (oldest first): {seqs}")
    # the queue as a kill after the server's answer leaves it
    for f in os.listdir(backup):
        if re.fullmatch(r"\d{16}", f):
            shutil.copy(os.path.join(backup, f),
                        os.path.join(state, "queue", f))
    before = len(fake.answers)
    applied = len(fake.applied)
    r = once(state, "--inventory-root", root)
    check(r.returncode == 0, f"resend: exit {r.returncode}:\n{r.stderr}")
    dups = [a for a in fake.answers[before:] if a[3]]
    # the two restored sweeps; the restored inventory was superseded
    check(len(dups) == 2 and all(a[0] == "sweeps" for a in dups),
          f"duplicates: {fake.answers[before:]}")
    check(r.stderr.count("duplicate=true") == 2,
          f"duplicates not logged:\n{r.stderr}")
    check(len(fake.applied) == applied + 1, "a duplicate was stored again")
    check(queued(state) == [], f"duplicates kept: {queued(state)}")
    seen = [b["seq"] for _, b in fake.applied]
    check(len(seen) == len(set(seen)), f"stored twice: {seen}")


def part_daemon(fake, state, root):
    """The daemon: 503s with backoff, a delta, a 409, SIGTERM mid-request."""
    fake.plan["inventory"] = [503, 503, 503]
    start = len(fake.applied)
    att = fake.attempts["inventory"]
    d = Daemon(["--state", state, "--hostname", "ws-1", "--inventory-root",
                root, "--inventory-interval", "1"])
    fake.wait(lambda: len(fake.applied) > start, "the first inventory")
    first = fake.applied[start][1]
    check(first["kind"] == "full" and
          fake.attempts["inventory"] - att == 4,
          f"503 x3: {fake.attempts['inventory'] - att} attempts")
    for b in (1, 2, 4):
        d.wait_log(rf"msg=\"backing off\" backoff_s={b} ")
    # a delta against it
    change_root(root)
    fake.wait(lambda: any(b["kind"] == "delta" for _, b in
                          fake.applied[start:]), "a delta")
    delta = [b for _, b in fake.applied[start:] if b["kind"] == "delta"][0]
    check(delta["base"] == first["seq"] and len(delta["remove"]) == 4 and
          len(delta["add"]) == 1, f"delta: base {delta['base']}, "
          f"{len(delta['remove'])} removed, {len(delta['add'])} added")
    check(held_entries(fake) == status_entries(
        os.path.join(root, "var/lib/dpkg/status")),
        "the delta did not make the server's inventory the root's")
    # the server loses its base: 409, then a full one
    with fake.cv:
        fake.inv, fake.inv_seq = collections.Counter(), 0
    shutil.copy(os.path.join(DATA, "inventory/dpkg/debian-12-status"),
                os.path.join(root, "var/lib/dpkg/status"))
    fake.wait(lambda: fake.inv_seq > delta["seq"], "a full after a 409")
    check(any(a[2] == 409 for a in fake.answers), "no 409 was answered")
    last = [b for _, b in fake.applied if b["seq"] == fake.inv_seq][0]
    check(last["kind"] == "full", f"after 409: {last['kind']}")
    d.wait_log(r"inventory delta refused")
    check(held_entries(fake) == status_entries(
        os.path.join(root, "var/lib/dpkg/status")),
        "after the 409 the server's inventory is not the root's")
    # SIGTERM while an upload is in flight: it is finished, then exit 0
    fake.hold = threading.Event()
    held = fake.held
    change_root(root)
    fake.wait(lambda: fake.held > held, "an upload held")
    n = len(fake.applied)
    d.p.send_signal(signal.SIGTERM)
    fake.hold.set()
    rc = d.p.wait(WAIT)
    d.t.join(WAIT)
    fake.hold = None
    check(rc == 0, f"SIGTERM: exit {rc}:\n{d.text()}")
    check(len(fake.applied) == n + 1, "the request in flight was not taken")
    taken = fake.applied[-1][1]["seq"]
    check(f"{taken:016d}" not in queued(state),
          "the item the server took is still queued")
    check(re.search(r'msg=stopping signal=TERM', d.text()),
          f"no stopping line:\n{d.text()}")
    no_secrets(fake, state, d.text())


def part_usage(tmp, state, root):
    """Bad usage and local problems: exit 2, said on stderr."""
    def run(*args):
        return subprocess.run([AGENT, "run"] + list(args),
                              capture_output=True, text=True, timeout=WAIT)
    for args, why in (
            (["--heartbeat", "0"], "takes 1 to"),
            (["--inventory-interval", "x"], "takes 1 to"),
            (["--sweep-interval", "60"], "need --sweep-rules"),
            (["--inventory-root", os.path.join(tmp, "nope")],
             "not a directory"),
            (["extra"], "usage: rampart-agent run")):
        r = run("--state", state, *args)
        check(r.returncode == 2 and why in r.stderr,
              f"run {args}: exit {r.returncode}: {r.stderr}")
    r = run("--once", "--state", os.path.join(tmp, "not-enrolled"))
    check(r.returncode == 2 and "cannot start" in r.stderr,
          f"not enrolled: exit {r.returncode}: {r.stderr}")
    bad = os.path.join(tmp, "bad-bundle.json")
    with open(bad, "w") as f:
        f.write("{not json")
    r = run("--once", "--state", state, "--inventory-root", root,
            "--sweep-rules", bad)
    check(r.returncode == 2 and "sweep rules not usable" in r.stderr,
          f"bad bundle: exit {r.returncode}: {r.stderr}")
    check(queued(state) == [], "a refused start queued something")
    r = run("--help")
    check(r.returncode == 0 and "usage: rampart-agent run" in r.stdout and
          "Exit status" in r.stdout, f"--help: {r.stdout}")


def part_full_queue(fake, state, root, sweep, bundle):
    """A full queue refuses new items (logged), keeps what it has, and
    the numbers go on above items written by someone else."""
    fake.stop()
    qdir = os.path.join(state, "queue")
    last = int(open(os.path.join(qdir, "seq")).read())
    for i in range(256):
        seq = last + 1 + i
        text = json.dumps({"seq": seq, "started_at": "2026-01-01T00:00:00Z",
                           "report": {"rampart_sweep": 1, "hits": []}})
        with open(os.path.join(qdir, f"{seq:016d}"), "w") as f:
            f.write(f"rampart-queue 1 sweep {len(text)}\n{text}")
    r = once(state, "--inventory-root", root, "--sweep-rules", bundle,
             "--sweep-root", sweep)
    check(r.returncode == 3, f"full queue: exit {r.returncode}:\n{r.stderr}")
    check(re.search(r'level=error msg="inventory not queued" '
                    r'kind=inventory-full error="the queue is full', r.stderr)
          and re.search(r'level=error msg="SWEEP REPORT NOT QUEUED',
                        r.stderr), f"full queue, not logged:\n{r.stderr}")
    check(len(queued(state)) == 256, f"{len(queued(state))} queued")
    fake.start()
    n = len(fake.applied)
    r = once(state, "--inventory-root", root)
    check(r.returncode == 0 and queued(state) == [],
          f"drain: exit {r.returncode}, {len(queued(state))} left")
    seqs = [b["seq"] for _, b in fake.applied[n:]]
    check(seqs == list(range(last + 1, last + 257)),
          f"sent: {seqs[:3]}...{seqs[-3:]}")
    # the next number is above the items the agent did not write itself
    r = once(state, "--inventory-root", root)
    check(r.returncode == 0 and fake.applied[-1][1]["seq"] > last + 256,
          f"after: exit {r.returncode}, seq {fake.applied[-1][1]['seq']}")


def main():
    check(AGENT, "RAMPART_AGENT must name rampart-agent")
    check(DATA, "RAMPART_SHARED_DATA must name the shared data")
    tmp = tempfile.mkdtemp(prefix="rampart-agent-daemon-")
    fake = None
    try:
        fake = Fake(tmp).start()
        state = os.path.join(tmp, "state")
        token = f"rpe1.{fake.fp}.{'A' * 43}"
        r = subprocess.run([AGENT, "enroll", fake.url(), token, "--state",
                            state], capture_output=True, text=True,
                           timeout=WAIT)
        check(r.returncode == 0, f"enroll: {r.stdout}{r.stderr}")
        root = make_root(tmp)
        sweep, bundle = make_bundle(tmp)
        part_usage(tmp, state, root)
        part_once(fake, state, root, sweep, bundle)
        part_refused(fake, state, root, sweep, bundle)
        part_down_then_duplicates(fake, tmp, state, root, sweep, bundle)
        part_daemon(fake, state, root)
        part_full_queue(fake, state, root, sweep, bundle)
    finally:
        kill_started()
        if fake is not None and fake.srv is not None:
            try:
                fake.stop()
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except (KeyError, ValueError, TypeError, IndexError) as e:
        fail(f"unexpected: {e!r}")
