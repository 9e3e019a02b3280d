#!/usr/bin/env python3
"""`make run`: rampartd in the foreground on SQLite in var/, and this
machine's agent beside it.

On the server's first start (an empty var/), after rampartd prints the
administrator's one-time credentials, this logs in with them, makes the
tenant "local" and a single-use enrolment token, and enrols an agent
whose state is var/agent/; on every start the agent runs
(`rampart-agent run`) so the newcomer sees this machine with its
findings as soon as an advisory is imported.  rampartd's output goes to
the terminal unchanged; the credentials are only read from it, never
written anywhere.  Ctrl-C (or SIGTERM) stops both.

usage: run-local.py BUILD_DIR [STATE_DIR [PORT]]  (PORT: 8443, on loopback)
"""
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.request

READY = re.compile(r"^rampartd: ready: ")
FP = re.compile(r"((?:[0-9A-F]{2}:){31}[0-9A-F]{2})")
CRED = {"user": re.compile(r"^  user:\s+(\S+)$"),
        "password": re.compile(r"^  password:\s+(\S+)$"),
        "totp": re.compile(r"^  TOTP secret:\s+([A-Z2-7]{16,})$")}
PORT = 8443


def url():
    return f"https://127.0.0.1:{PORT}"


def say(msg):
    print(f"run: {msg}", file=sys.stderr, flush=True)


def totp(secret):
    """RFC 6238 (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30),
                   hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10**6
    return f"{code:06d}"


class Api:
    """HTTPS to the local rampartd, pinned to its printed fingerprint."""

    def __init__(self, fp):
        self.fp = fp.replace(":", "").lower()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # pinned here, by fingerprint:
        pem = ssl.get_server_certificate(("127.0.0.1", PORT))
        der = ssl.PEM_cert_to_DER_cert(pem)
        if hashlib.sha256(der).hexdigest() != self.fp:
            raise RuntimeError("the server's certificate is not the one "
                               "rampartd printed")
        self.ctx = ctx  # the port is rampartd's: it is listening on it
        self.cookie = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        rq = urllib.request.Request(url() + path, data=data, method=method)
        rq.add_header("Content-Type", "application/json")
        if self.cookie:
            rq.add_header("Cookie", self.cookie)
        with urllib.request.urlopen(rq, context=self.ctx) as r:
            c = r.headers.get("Set-Cookie")
            if c:
                self.cookie = c.split(";", 1)[0]
            text = r.read()
            return json.loads(text) if text else None


def enrol(build, state, fp, cred):
    """The tenant "local", a token, and the agent of this machine."""
    api = Api(fp)
    api.call("POST", "/api/v1/login", {"user": cred["user"],
                                      "password": cred["password"],
                                      "totp": totp(cred["totp"])})
    api.call("POST", "/api/v1/tenants", {"slug": "local",
                                        "name": "This machine"})
    tok = api.call("POST", "/api/v1/tenants/local/enroll-tokens",
                   {"name": "make run", "uses": 1, "expires_hours": 1})
    api.call("POST", "/api/v1/logout")
    subprocess.run([os.path.join(build, "src/agent/rampart-agent"),
                    "enroll", url(), tok["secret"], "--state", state],
                   check=True)
    say(f"this machine is enrolled in tenant \"local\" ({state})")


def main():
    global PORT
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    build = sys.argv[1]
    var = sys.argv[2] if len(sys.argv) >= 3 else "var"
    PORT = int(sys.argv[3]) if len(sys.argv) == 4 else PORT
    state = os.path.join(var, "agent")
    srv = subprocess.Popen(
        [os.path.join(build, "src/server/rampartd"), "--state-dir", var,
         "--listen", f"127.0.0.1:{PORT}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        bufsize=1)
    agent = None
    stop = threading.Event()

    def finish(sig, frame):
        stop.set()
        srv.terminate()
    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    cred, fp, ready = {}, None, False
    for line in srv.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if ready:
            continue
        for k, rx in CRED.items():
            m = rx.match(line.rstrip("\n"))
            if m:
                cred[k] = m.group(1)
        m = FP.search(line)
        fp = m.group(1) if m and fp is None else fp
        if READY.match(line) and fp:
            ready = True
            try:
                if len(cred) == 3 and not os.path.exists(
                        os.path.join(state, "agent.json")):
                    enrol(build, state, fp, cred)
            except Exception as e:  # the server keeps running
                say(f"could not enrol this machine's agent: {e}")
            cred.clear()
            if os.path.exists(os.path.join(state, "agent.json")):
                agent = subprocess.Popen(
                    [os.path.join(build, "src/agent/rampart-agent"), "run",
                     "--state", state])
            else:
                say("no agent for this machine: var/ was made before; "
                    "see docs/agent-enroll.md to enrol one")
    rc = srv.wait()
    if agent is not None:
        agent.terminate()
        agent.wait()
    sys.exit(0 if stop.is_set() else rc)


if __name__ == "__main__":
    main()
