#!/usr/bin/env python3
"""`make demo`: the 3CX day on one machine (docs/demo.md).

A real rampartd on SQLite in a new temporary directory, on a free
loopback port; tenants acme and globex, both with the automatic response
policy "quarantine"; three real rampart-agent daemons, each reading its
own fixture tree (demo/hosts/, and the Mac image of tests/data/apps):
ws-acct-01 (acme, a Windows profile with two planted, harmless demo
files where the 3CX app keeps its DLLs), mac-ceo-01 (acme, a Mac with
the affected 3CX Desktop App 18.12.416) and srv-db-01 (globex, a clean
Debian server).  The technician's commands are run for real with the
rampart CLI (a profile in the temporary directory) and printed with
their output; where the CLI has no command yet (jobs), the API call it
would make is shown with the answer summarised.  The demo advisory
(demo/3cx-demo-advisory.json) lists the affected builds, the hashes of
the two planted files and the C2 domains.

Everything stops and the temporary directory is removed at the end,
unless --keep: then rampartd and the agents go on running and the
script says where and how to stop them.  --dir DIR uses DIR (which must
not exist) instead of a new temporary directory and leaves it in place
after stopping (tests/it/demo.py reads it).  Exit 0 when every step
came out as described, 1 when one did not (the step says what).

usage: demo.py BUILD_DIR [--keep] [--dir DIR]
"""
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADVISORY = os.path.join(ROOT, "demo", "3cx-demo-advisory.json")
HOSTS = os.path.join(ROOT, "demo", "hosts")
MACROOT = os.path.join(ROOT, "tests", "data", "apps", "macroot")
WAIT = 120  # seconds: the overall limit of every wait below
FP_RE = re.compile(r"((?:[0-9A-F]{2}:){31}[0-9A-F]{2})")
CRED = {"user": re.compile(r"^  user:\s+(\S+)$", re.M),
        "password": re.compile(r"^  password:\s+(\S+)$", re.M),
        "totp": re.compile(r"^  TOTP secret:\s+([A-Z2-7]{16,})$", re.M)}
# The machines: name, tenant, where its tree comes from.
MACHINES = [("ws-acct-01", "acme"), ("mac-ceo-01", "acme"),
            ("srv-db-01", "globex")]
PLANTED = "Users/anna/AppData/Local/Programs/3CXDesktopApp/app"
PLANTED_FILES = ("ffmpeg.dll", "d3dcompiler_47.dll")
TERMINAL = ("done", "failed", "rejected", "expired")
T0 = time.monotonic()


class DemoError(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise DemoError(msg)


def title(text):
    print(f"\n=== {text} " + "=" * max(3, 66 - len(text)), flush=True)


def note(text):
    print(f"    {text}", flush=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def totp(secret, step):
    """RFC 6238 (SHA-1, 6 digits, 30 s) for the given time step."""
    import base64
    import hmac
    import struct
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10**6
    return f"{code:06d}"


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(what, fn):
    """Asks fn until it answers something true (the short pause only
    spaces the questions); gives up after WAIT seconds."""
    end = time.monotonic() + WAIT
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > end:
            raise DemoError(f"gave up waiting for {what}")
        time.sleep(0.2)


class Api:
    """HTTPS to the demo's rampartd, pinned to its printed fingerprint,
    with the administrator's API token."""

    def __init__(self, port, fp, token):
        self.port, self.fp, self.token = port, fp, token

    def call(self, method, path, body=None):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # pinned below instead
        c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                        context=ctx, timeout=60)
        try:
            c.connect()
            der = c.sock.getpeercert(binary_form=True)
            if hashlib.sha256(der).hexdigest().upper() != \
                    self.fp.replace(":", ""):
                raise DemoError("the server's certificate is not the one "
                                "rampartd printed")
            h = {"Authorization": f"Bearer {self.token}"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            text = r.read()
        finally:
            c.close()
        need(200 <= r.status < 300, f"{method} {path}: {r.status} "
             f"{text[:300]!r}")
        return json.loads(text) if text else None


class Demo:
    def __init__(self, build, work, keep):
        self.build = os.path.abspath(build)
        self.work = work
        self.keep = keep
        self.agent_bin = os.path.join(self.build, "src/agent/rampart-agent")
        self.cli_bin = os.path.join(self.build, "src/cli/rampart")
        self.rampartd = os.path.join(self.build, "src/server/rampartd")
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.procs = []  # (name, Popen, log path)
        self.cli_env = dict(os.environ,
                            RAMPART_CONFIG_DIR=os.path.join(work, "cli"))
        for k in ("RAMPART_SERVER", "RAMPART_TOKEN"):
            self.cli_env.pop(k, None)
        self.api = None
        self.agents = {}  # hostname -> {tenant, state, root, store, id}

    # --- processes -----------------------------------------------------

    def spawn(self, name, args, log):
        """A process of its own session, its output in a file, so it can
        outlive this script (--keep)."""
        with open(log, "wb") as f:
            os.chmod(log, 0o600)
            p = subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        self.procs.append((name, p, log))
        return p

    def log_of(self, log):
        with open(log, "rb") as f:
            return f.read().decode(errors="replace")

    def stop_all(self):
        """SIGTERM to the agents, then to rampartd; each finishes what is
        in flight.  Returns the processes that did not exit 0."""
        bad = []
        for order in (lambda n: n != "rampartd", lambda n: n == "rampartd"):
            mine = [(n, p) for n, p, _ in self.procs if order(n)]
            for _, p in mine:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for n, p in mine:
                try:
                    rc = p.wait(timeout=WAIT)
                except subprocess.TimeoutExpired:
                    p.kill()
                    rc = p.wait()
                if rc != 0:
                    bad.append(f"{n} exited {rc}")
        return bad

    def kill_all(self):
        for _, p, _ in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    # --- the technician's commands -------------------------------------

    def cli(self, *args, show=True, stdin=None):
        """Runs the rampart CLI, prints the command and its output."""
        if show:
            print(f"\n  $ rampart {' '.join(args)}", flush=True)
        r = subprocess.run([self.cli_bin] + list(args), env=self.cli_env,
                           capture_output=True, text=True, input=stdin,
                           timeout=WAIT)
        if show:
            for line in (r.stdout + r.stderr).rstrip("\n").splitlines():
                print(f"  {line}")
        need(r.returncode == 0, f"rampart {args[0]}: exit {r.returncode}: "
             f"{r.stderr.strip()}")
        return r.stdout

    def show_api(self, method, path, body=None):
        print(f"\n  API: {method} {path}" +
              (f" {json.dumps(body)}" if body is not None else ""),
              flush=True)
        return self.api.call(method, path, body)

    # --- the steps -------------------------------------------------------

    def start_server(self):
        title("rampartd: a new server on SQLite")
        state = os.path.join(self.work, "server")
        log = os.path.join(self.work, "rampartd.log")
        p = self.spawn("rampartd", [self.rampartd, "--state-dir", state,
                                    "--listen", f"127.0.0.1:{self.port}"],
                       log)
        out = wait_until("rampartd to get ready", lambda: (
            p.poll() is None or self.died("rampartd", log)) and
            re.search(r"^rampartd: ready: ", self.log_of(log), re.M) and
            self.log_of(log))
        fp = FP_RE.search(out)
        cred = {k: rx.search(out) for k, rx in CRED.items()}
        need(fp and all(cred.values()), "rampartd printed no fingerprint "
             "or no administrator credentials")
        self.fp = fp.group(1)
        cred = {k: m.group(1) for k, m in cred.items()}
        note(f"{self.url}  state in {state}")
        note(f"certificate SHA-256 {self.fp}")
        # The administrator's one-time credentials: kept only in this
        # directory (mode 0600), for --keep; removed with it otherwise.
        self.cred_file = os.path.join(self.work, "admin-credentials")
        fd = os.open(self.cred_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"user: {cred['user']}\npassword: {cred['password']}\n"
                    f"TOTP secret: {cred['totp']}\n")
        note(f"administrator credentials (first start only) in "
             f"{self.cred_file}")
        return cred

    def died(self, name, log):
        raise DemoError(f"{name} exited:\n{self.log_of(log)[-3000:]}")

    def login(self, cred):
        title("The technician's terminal: profile, login, tenants, policy")
        self.cli("server", "add", "demo", "--url", self.url,
                 "--fingerprint", self.fp)
        pw = os.path.join(self.work, "cli", "password")
        fd = os.open(pw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(cred["password"] + "\n")
        code = totp(cred["totp"], int(time.time()) // 30)
        print(f"\n  $ rampart login --user {cred['user']} --password-file "
              f"PASSWORD-FILE --totp CODE")
        self.cli("login", "--user", cred["user"], "--password-file", pw,
                 "--totp", code, show=False)
        os.unlink(pw)
        print("  (logged in; the session is kept in the profile)")
        tok = json.loads(self.cli("token", "create", "demo-script",
                                  "--json", show=False))
        self.token_file = os.path.join(self.work, "admin.token")
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o600)
        with os.fdopen(fd, "w") as f:
            f.write(tok["secret"] + "\n")
        self.api = Api(self.port, self.fp, tok["secret"])
        self.cli("tenant", "create", "acme", "--name", "Acme Dental")
        self.cli("tenant", "create", "globex", "--name", "Globex Law")
        print("\n  The automatic response policy (no CLI command yet):")
        for t in ("acme", "globex"):
            r = self.show_api("PATCH", f"/api/v1/tenants/{t}",
                              {"response": "quarantine"})
            need(r["response"] == "quarantine", f"policy of {t}: {r}")
            print(f"  -> {t}: response = {r['response']}")

    def trees(self):
        """The three machines' file systems, copied from the fixtures."""
        for host, tenant in MACHINES:
            d = os.path.join(self.work, "agents", host)
            root = os.path.join(d, "root")
            os.makedirs(d)
            if host == "mac-ceo-01":
                # The Mac image without its two broken test bundles.
                shutil.copytree(MACROOT, root, symlinks=True,
                                ignore=shutil.ignore_patterns(
                                    "Broken.app", "Outside.app"))
            else:
                shutil.copytree(os.path.join(HOSTS, host), root,
                                symlinks=True)
            self.agents[host] = {"tenant": tenant, "root": root,
                                 "state": os.path.join(d, "state"),
                                 "store": os.path.join(d, "quarantine"),
                                 "log": os.path.join(d, "agent.log")}

    def enrol_and_run(self):
        title("Three machines join (rampart-agent enroll, then run)")
        self.trees()
        for host, ag in self.agents.items():
            tok = json.loads(self.cli("enroll-token", "create",
                                      ag["tenant"], "--name", host,
                                      "--json", show=False))
            print(f"\n  on {host}:  rampart-agent enroll {self.url} "
                  f"TOKEN --hostname {host}")
            r = subprocess.run([self.agent_bin, "enroll", self.url, "-",
                                "--state", ag["state"], "--hostname", host],
                               input=tok["secret"] + "\n",
                               capture_output=True, text=True, timeout=WAIT)
            need(r.returncode == 0, f"enrol {host}: {r.stderr}")
            with open(os.path.join(ag["state"], "agent.json")) as f:
                ag["id"] = json.load(f)["agent_id"]
            print(f"  enrolled into {ag['tenant']} as agent {ag['id']}")
            # --heartbeat 5: the long poll for jobs then lasts at most
            # 5 s, so the demo's agents stop within that.
            self.spawn(host, [self.agent_bin, "run", "--state", ag["state"],
                              "--hostname", host, "--heartbeat", "5",
                              "--inventory-root", ag["root"],
                              "--job-root", ag["root"],
                              "--store", ag["store"]], ag["log"])
        note("each agent runs as 'rampart-agent run --inventory-root TREE "
             "--job-root TREE --store QUARANTINE'")

    def inventories(self):
        title("Step 2 of 7, software inventory: the agents report")
        for host, ag in self.agents.items():
            wait_until(f"{host}'s inventory", lambda: self.alive() and
                       self.api.call("GET", f"/api/v1/agents/{ag['id']}")
                       ["inventory"] >= 1)
        self.cli("hosts")
        out = self.cli("hosts", "--json", show=False)
        for h in json.loads(out):
            note(f"{h['hostname']}: {h.get('software', '?')} packages or "
                 f"applications in its inventory")
        note("ws-acct-01 reports no software and keeps the OS its "
             "enrolment named (this\n    Debian machine): the agent has "
             "no Windows collector yet, the tree only\n    stands in for "
             "a Windows profile; its sweep below still finds the files")

    def alive(self):
        for n, p, log in self.procs:
            if p.poll() is not None:
                self.died(n, log)
        return True

    def advisory(self):
        title("The advisory arrives: import, findings")
        self.cli("advisory", "validate", os.path.relpath(ADVISORY))
        out = self.cli("advisory", "import", os.path.relpath(ADVISORY))
        m = re.search(r"\(id (\S+?),", out)
        need(m, f"no advisory id in: {out}")
        self.adv = m.group(1)
        self.cli("findings", "--advisory", self.adv)
        found = self.api.call("GET", "/api/v1/findings?advisory="
                              f"{self.adv}")["items"]
        mac = [f for f in found if f["host"]["hostname"] == "mac-ceo-01"]
        need(mac and mac[0]["verdict"] == "affected",
             f"mac-ceo-01 is not affected: {found}")
        note(f"mac-ceo-01 is affected from its inventory: "
             f"{mac[0]['reason']}")

    def jobs(self):
        title("Step 1 of 7, antivirus: the policy's sweep-and-quarantine "
              "jobs")
        print("\n  The import changed both tenants' rules bundles; each "
              "tenant's policy\n  'quarantine' made rampartd sweep every "
              "host of it (no CLI command for\n  jobs yet; the API calls "
              "are shown):")
        self.joblist = {}
        for t in ("acme", "globex"):
            jobs = self.show_api("GET", f"/api/v1/jobs?tenant={t}")["items"]
            need(len(jobs) == 1 and jobs[0]["type"] == "sweep" and
                 jobs[0]["args"]["quarantine"] is True,
                 f"the policy's job for {t}: {jobs}")
            j = jobs[0]
            print(f"  -> {t}: job {j['id']} sweep (quarantine) created by "
                  f"\"{j['created_by']}\", bundle {j['args']['bundle'][:16]}"
                  f"..., {sum(j['hosts'].values())} host(s)")
            self.joblist[t] = j["id"]
        print("\n  Waiting until every host has reported (the agents take "
              "the jobs\n  through their long poll)...", flush=True)
        for t, jid in self.joblist.items():
            def over(jid=jid):
                self.alive()
                j = self.api.call("GET", f"/api/v1/jobs/{jid}")
                busy = sum(v for k, v in j["hosts"].items()
                           if k not in TERMINAL)
                return j if busy == 0 else None
            j = wait_until(f"job {jid}", over)
            states = ", ".join(f"{k} {v}" for k, v in j["hosts"].items()
                               if v)
            print(f"  -> {t}: {states}")

    def results(self):
        title("Results per host")
        by_id = {ag["id"]: h for h, ag in self.agents.items()}
        for t, jid in self.joblist.items():
            hosts = self.show_api("GET", f"/api/v1/jobs/{jid}/hosts")
            for h in hosts["items"]:
                name = by_id.get(h.get("agent") or h.get("agent_id"),
                                 h.get("hostname", "?"))
                need(h["state"] == "done", f"{name}: {h}")
                res = (h.get("results") or [{}])[0]
                q = res.get("quarantine") or []
                print(f"  -> {name} ({t}): {h['state']}, "
                      f"{len(res.get('hits') or [])} hit(s), "
                      f"{len(q)} file(s) quarantined")
                hits = res.get("hits") or []
                for e in q:
                    need(not e.get("error"), f"{name}: {e}")
                    hit = hits[e["hit"]] if isinstance(e.get("hit"), int) \
                        and e["hit"] < len(hits) else {}
                    print(f"       {e['path']}\n         sha256 "
                          f"{hit.get('sha256', '?')}\n         -> "
                          f"quarantine entry {e['entry']}")
                self.agents[name]["quarantined"] = q
        ws = self.agents["ws-acct-01"]
        need(len(ws.get("quarantined", [])) == len(PLANTED_FILES),
             "ws-acct-01: the planted files were not both quarantined")
        for host in ("mac-ceo-01", "srv-db-01"):
            need(self.agents[host].get("quarantined") == [],
                 f"{host}: something was quarantined")
        print("\n  On ws-acct-01 itself (the agent's quarantine store):")
        for f in PLANTED_FILES:
            p = os.path.join(ws["root"], PLANTED, f)
            need(not os.path.exists(p), f"{p} is still there")
            print(f"    {PLANTED}/{f}: gone")
        rel = os.path.relpath(ws["store"], self.work)
        print(f"\n  $ rampart-agent quarantine --store {rel} list")
        r = subprocess.run([self.agent_bin, "quarantine", "--store",
                            ws["store"], "list"], capture_output=True,
                           text=True, timeout=WAIT)
        need(r.returncode == 0, f"quarantine list: {r.stderr}")
        for line in r.stdout.rstrip("\n").splitlines():
            print(f"  {line}")
        note("restorable byte-identical: 'rampart-agent quarantine restore "
             "ID', or a restore job")

    def closing(self):
        title("Detections and the audit trail")
        self.cli("detections")
        note("detections list what the agents' scheduled sweeps uploaded; "
             "the policy's\n    sweep jobs report their hits in the job "
             "results above")
        out = self.cli("audit", "verify")
        need("chain intact" in out, f"audit: {out}")
        title("The seven response steps of the 3CX case (PRODUCT.md)")
        steps = [
            ("1 Antivirus: quarantine the affected files", True,
             "shown above: policy -> signed sweep job -> quarantine store"),
            ("2 Software inventory: who runs an affected version", True,
             "shown above: agents' inventories -> findings with reasons"),
            ("3 Firewalls: block the C2 domains, IPs, URLs", False,
             "the domains are in the advisory; blocklists come later"),
            ("4 Patch management: install the clean version", False,
             "the findings name 18.12.422; installing comes later"),
            ("5 Log management: file access and connections", False,
             "comes later"),
            ("6 Post-incident report: what may have been lost", False,
             "comes later (the audit log above is its raw material)"),
            ("7 Software distribution and forensic re-scan", False,
             "roll-out comes later; a re-scan is a sweep job today"),
        ]
        for name, done, how in steps:
            print(f"  [{'x' if done else ' '}] {name}\n        {how}")

    def run(self):
        cred = self.start_server()
        self.login(cred)
        cred.clear()
        self.enrol_and_run()
        self.inventories()
        self.advisory()
        self.jobs()
        self.results()
        self.closing()


def main():
    args = sys.argv[1:]
    keep = "--keep" in args
    args = [a for a in args if a != "--keep"]
    work = None
    if "--dir" in args:
        i = args.index("--dir")
        if i + 1 >= len(args):
            sys.exit(__doc__)
        work = os.path.abspath(args[i + 1])
        del args[i:i + 2]
        os.makedirs(work)
    if len(args) != 1:
        sys.exit(__doc__)
    own = work is None
    work = work or tempfile.mkdtemp(prefix="rampart-demo-")
    os.chmod(work, 0o755)  # rampartd's http role runs as its own user
    os.makedirs(os.path.join(work, "cli"), mode=0o700)
    d = Demo(args[0], work, keep)
    print(f"Rampart demo: the 3CX day on one machine (in {work})")
    rc = 0
    try:
        d.run()
    except DemoError as e:
        print(f"\ndemo: FAILED: {e}", file=sys.stderr)
        rc = 1
    except BaseException:
        d.kill_all()  # nothing left running after a crash or Ctrl-C
        raise
    if keep and rc == 0:
        title("Left running (--keep)")
        pids = " ".join(str(p.pid) for _, p, _ in d.procs)
        note(f"rampartd: {d.url} (certificate SHA-256 {d.fp})")
        note(f"administrator: {d.cred_file}")
        note(f"CLI: RAMPART_CONFIG_DIR={os.path.join(work, 'cli')} "
             f"{d.cli_bin} hosts")
        note(f"logs: {work}/rampartd.log, {work}/agents/*/agent.log")
        note(f"stop: kill {pids}; then rm -rf {work}")
    else:
        bad = d.stop_all()
        d.kill_all()
        if bad:
            print(f"demo: FAILED: {'; '.join(bad)}", file=sys.stderr)
            rc = 1
        if own:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\ndemo: {'done' if rc == 0 else 'failed'} in "
          f"{time.monotonic() - T0:.1f} s")
    sys.exit(rc)


if __name__ == "__main__":
    main()
