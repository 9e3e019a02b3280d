"""An enrolled agent's side of the protocol in Python, for tests and the
load benchmark (bench/agents_sim.py): Ed25519 keys, enrolment, and the
signed requests of docs/agent-protocol.md ("Signed requests"), built
exactly as src/lib/proto/proto.c builds them: the lines "rampart-agent-v1",
the method, the path and query as sent, the Unix seconds, the nonce and
the hex SHA-256 of the body (of nothing for an empty one), joined by
newlines without a final one, signed with Ed25519 (detached); nonce (16
random bytes) and signature in base64url without padding.  Needs python3-cryptography (Debian's package;
scripts/setup-deps.sh installs it).
"""
import base64
import hashlib
import json
import os
import shutil
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (Encoding,
                                                          PublicFormat)

SIG_TAG = b"rampart-agent-v1"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class AgentKey:
    """One agent's identity: its Ed25519 key and the ID the server gave."""

    def __init__(self, key=None, agent_id=None, tenant=None):
        self.key = key or Ed25519PrivateKey.generate()
        self.agent_id = agent_id
        self.tenant = tenant

    @classmethod
    def from_state(cls, state):
        """The identity rampart-agent enroll left in its state directory:
        identity.key holds libsodium's 64-byte secret key (seed, then
        public key), agent.json the agent ID and tenant."""
        with open(os.path.join(state, "identity.key"), "rb") as f:
            sk = f.read()
        if len(sk) != 64:
            raise ValueError(f"{state}/identity.key: {len(sk)} bytes")
        key = Ed25519PrivateKey.from_private_bytes(sk[:32])
        pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        if pub != sk[32:]:
            raise ValueError(f"{state}/identity.key: public half differs")
        with open(os.path.join(state, "agent.json")) as f:
            rec = json.load(f)
        return cls(key, rec["agent_id"], rec["tenant"])

    def public_key(self):
        return b64url(self.key.public_key().public_bytes(Encoding.Raw,
                                                         PublicFormat.Raw))

    def enroll_body(self, secret, hostname, os_name="Debian GNU/Linux 12"):
        """The body of POST /api/v1/agents/enroll for the token
        rpe1.<FP>.<SECRET> (only SECRET is sent)."""
        return {"token": secret.split(".")[2], "public_key": self.public_key(),
                "hostname": hostname, "os": os_name}

    def authorization(self, method, target, body=b"", ts=None, nonce=None):
        """The Authorization header's value for one request."""
        ts = int(time.time()) if ts is None else ts
        n = b64url(nonce if nonce is not None else os.urandom(16))
        msg = b"\n".join([SIG_TAG, method.encode(), target.encode(),
                          str(ts).encode(), n.encode(),
                          hashlib.sha256(body).hexdigest().encode()])
        sig = b64url(self.key.sign(msg))
        return f"Rampart-Agent id={self.agent_id},ts={ts},nonce={n},sig={sig}"

    def request(self, client, method, path, body=None):
        """A signed request through a server_lib Client (no cookie or
        token is sent with it)."""
        raw = b"" if body is None else json.dumps(body).encode()
        h = {"Authorization": self.authorization(method, path, raw)}
        if body is not None:
            h["Content-Type"] = "application/json"
        return client.request(method, path, raw=raw if body is not None
                              else None, cookie="", token="", headers=h)


def software(name, version, vendor=None, source="windows_registry",
             scheme="generic", arch="x86_64"):
    """One Software entry of the native inventory format."""
    s = {"name": name, "version": version, "scheme": scheme,
         "source": source, "arch": arch}
    if vendor is not None:
        s["vendor"] = vendor
    return s


def full_inventory(seq, host, sw):
    return {"seq": seq, "kind": "full", "host": host, "software": sw}


def delta_inventory(seq, base, add=(), remove=()):
    return {"seq": seq, "kind": "delta", "base": base, "add": list(add),
            "remove": list(remove)}


def make_root(tmp):
    """A small Debian system below tmp/root (dpkg status and os-release
    of tests/data/distro/deb12-web), for an agent's --root."""
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "var/lib/dpkg"))
    os.makedirs(os.path.join(root, "etc"))
    src = os.path.join(os.environ["RAMPART_TEST_DATA"], "distro/deb12-web")
    shutil.copy(os.path.join(src, "status"),
                os.path.join(root, "var/lib/dpkg/status"))
    shutil.copy(os.path.join(src, "os-release"),
                os.path.join(root, "etc/os-release"))
    return root
