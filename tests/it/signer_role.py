"""The signer role of a real rampartd, started as root
(docs/internals/signer.md): its own user, the key file's owner and mode
and that the HTTP role's user cannot open it, the key's bytes absent from
the HTTP role's memory (and present in the signer's, so the scan is shown
to work), the seccomp filter, no network socket, the public key on
/api/v1/health, and both roles restarted after SIGKILL with a working
channel between them.
"""
import base64
import hashlib
import os
import pwd
import re
import select
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Server, check, fail  # noqa: E402

HTTP_USER = "rampart"
SIGNER_USER = "rampart-signer"
BIG_MAPPING = 1 << 30  # sanitizer shadow reservations: not memory in use


def children(ppid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                st = f.read()
        except OSError:
            continue
        m = re.search(r"^PPid:\s+(\d+)$", st, re.M)
        if m and int(m.group(1)) == ppid:
            out.append(int(d))
    return out


def status(pid):
    with open(f"/proc/{pid}/status") as f:
        return f.read()


def uid_of(pid):
    return int(re.search(r"^Uid:\s+(\d+)", status(pid), re.M).group(1))


def role_pid(srv, uid, other_than=None):
    """The child of the parent running as uid (waits for it on the
    daemon's output: a restarted role logs 'role started')."""
    while True:
        # the worker role runs as the http role's user too
        pids = [p for p in children(srv.proc.pid)
                if uid_of(p) == uid and p != other_than and
                "Name:\trampartd-worker" not in status(p)]
        if len(pids) == 1:
            return pids[0]
        check(len(pids) < 2, f"two roles run as uid {uid}: {pids}")
        wait_output(srv, "role started", count_at_least(srv, "role started")
                    + 1)


def worker_pid(srv):
    """The worker role (named rampartd-worker)."""
    pids = [p for p in children(srv.proc.pid)
            if "Name:\trampartd-worker" in status(p)]
    check(len(pids) == 1, f"one worker role: {pids}")
    return pids[0]


def count_at_least(srv, text):
    return srv.drain().count(text)


def wait_output(srv, text, n):
    """Reads the daemon's output until text occurred n times."""
    fd = srv.proc.stdout.fileno()
    while srv.out.count(text) < n:
        r, _, _ = select.select([fd], [], [], 120)
        if not r:
            fail(f"no {n}th '{text}' in:\n{srv.out}")
        chunk = os.read(fd, 65536)
        if not chunk:
            fail(f"rampartd exited:\n{srv.out}")
        srv.out += chunk.decode(errors="replace")


def memory_has(pid, needles):
    """Which of needles occur in the readable memory of pid (as root)."""
    found = set()
    with open(f"/proc/{pid}/maps") as maps, \
            open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if parts[1][0] != "r" or hi - lo > BIG_MAPPING:
                continue
            if len(parts) > 5 and parts[5] in ("[vvar]", "[vsyscall]"):
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except OSError:
                continue
            for n in needles:
                if n in data:
                    found.add(n)
    return found


def socket_inodes(pid):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            t = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", t)
        if m:
            out.add(m.group(1))
    return out


def inet_inodes():
    out = set()
    for name in ("tcp", "tcp6", "udp", "udp6"):
        with open(f"/proc/net/{name}") as f:
            for line in list(f)[1:]:
                out.add(line.split()[9])
    return out


def health_key(srv):
    r = srv.client().request("GET", "/api/v1/health")
    check(r.status == 200, f"health: {r}")
    check("job_key" in r.json, f"no job_key in health: {r.json}")
    return r.json["job_key"]


def main():
    check(os.geteuid() == 0, "this test starts rampartd as root")
    http_uid = pwd.getpwnam(HTTP_USER).pw_uid
    signer_pw = pwd.getpwnam(SIGNER_USER)
    # The signer's user must not be the HTTP role's.
    srv = Server()
    env = dict(os.environ, RAMPART_SIGNER_USER=HTTP_USER)
    env.pop("JOURNAL_STREAM", None)
    r = subprocess.run([srv.bin, "--state-dir", srv.dir, "--listen",
                        "127.0.0.1:1"], env=env, capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 1 and "signer.user: 'rampart' is the user of "
          "server.user" in r.stderr, f"same users accepted: {r}")
    check(not os.path.exists(os.path.join(srv.dir, "signer",
                                          "job-signing.key")),
          "a key was made for a refused start")
    try:
        srv.start()
        signer = role_pid(srv, signer_pw.pw_uid)
        http = role_pid(srv, http_uid)
        check(signer_pw.pw_uid != http_uid, "the signer runs as the http user")

        # The key file: the signer's, 0600, in a 0700 directory.
        kdir = os.path.join(srv.dir, "signer")
        kpath = os.path.join(kdir, "job-signing.key")
        st = os.stat(kdir)
        check(st.st_uid == signer_pw.pw_uid and st.st_mode & 0o777 == 0o700,
              f"{kdir}: owner {st.st_uid} mode {oct(st.st_mode)}")
        st = os.stat(kpath)
        check(st.st_uid == signer_pw.pw_uid and st.st_mode & 0o777 == 0o600,
              f"{kpath}: owner {st.st_uid} mode {oct(st.st_mode)}")
        with open(kpath, "rb") as f:
            key = f.read()
        check(len(key) == 64, f"key file of {len(key)} bytes")
        seed, pk = key[:32], key[32:]

        # The HTTP role's user cannot read it; the signer's can (so the
        # refusal is the permissions', not setpriv's).
        def cat_as(pw):
            return subprocess.run(
                ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
                 "--clear-groups", "cat", kpath], capture_output=True)
        r = cat_as(pwd.getpwnam(HTTP_USER))
        check(r.returncode != 0 and r.stdout == b"",
              f"the http role's user read the key: {r}")
        r = cat_as(signer_pw)
        check(r.returncode == 0 and r.stdout == key,
              f"the signer's user cannot read its key: {r.stderr}")

        # The key is in the signer's memory and nowhere in the HTTP
        # role's, which does hold its configuration (the scan works).
        marker = srv.dir.encode()
        got = memory_has(signer, [seed, key])
        check(got == {seed, key}, "the key is not found in the signer's "
              "memory: the scan does not work")
        got = memory_has(http, [seed, key, marker])
        check(marker in got, "the state directory is not found in the http "
              "role's memory: the scan does not work")
        check(seed not in got and key not in got,
              "the job-signing key is in the http role's memory")
        # The worker parses fetched feeds: neither key, nor the TLS
        # private key the http role serves with, is in its memory.
        with open(os.path.join(srv.dir, "tls", "key.pem"), "rb") as f:
            tls_key = f.read().split(b"\n")[1]  # a line of its base64
        check(memory_has(http, [tls_key]) == {tls_key},
              "the TLS key is not found in the http role's memory: the "
              "scan does not work")
        worker = worker_pid(srv)
        got = memory_has(worker, [seed, key, tls_key, marker])
        check(marker in got, "the state directory is not found in the "
              "worker's memory: the scan does not work")
        check(not got & {seed, key, tls_key},
              "a key is in the worker's memory")

        # Confined: seccomp filter mode, no new privileges, no network.
        s = status(signer)
        check(re.search(r"^Seccomp:\s+2$", s, re.M) is not None,
              f"signer not under a seccomp filter:\n{s}")
        check(re.search(r"^NoNewPrivs:\s+1$", s, re.M) is not None,
              "signer may gain privileges")
        socks = socket_inodes(signer)
        check(len(socks) == 2, f"signer sockets: {socks}")
        check(not (socks & inet_inodes()), "the signer has a network socket")

        # The public key, as agents pin it.
        want_id = hashlib.sha256(pk).hexdigest()[:16]
        want_pk = base64.urlsafe_b64encode(pk).decode().rstrip("=")
        jk = health_key(srv)
        check(jk == {"id": want_id, "public_key": want_pk}, f"job_key {jk}")
        check(f'msg="job signer reachable" kid={want_id}' in srv.drain(),
              f"the http role's log does not name key {want_id}")
        reach = srv.out.count("job signer reachable")
        check(reach == 1, f"http asked the signer {reach} times:\n{srv.out}")

        # The HTTP role killed: the new one talks to the same signer.
        os.kill(http, signal.SIGKILL)
        wait_output(srv, "job signer reachable", 2)
        http2 = role_pid(srv, http_uid, other_than=http)
        check(role_pid(srv, signer_pw.pw_uid) == signer,
              "the signer was restarted with the http role")
        check(health_key(srv)["id"] == want_id, "another key after restart")

        # The signer killed: the HTTP role gets the new one's channel.
        os.kill(signer, signal.SIGKILL)
        wait_output(srv, "job signer reachable", 3)
        signer2 = role_pid(srv, signer_pw.pw_uid, other_than=signer)
        check(role_pid(srv, http_uid) == http2,
              "the http role was restarted with the signer")
        check(srv.out.count("job-signing key loaded") == 1,
              f"the restarted signer did not load the key:\n{srv.out}")
        check(re.search(r"^Seccomp:\s+2$", status(signer2), re.M),
              "restarted signer not confined")
        got = memory_has(http2, [seed, key])
        check(not got, "the job-signing key is in the new http role's memory")
        with open(kpath, "rb") as f:
            check(f.read() == key, "the key file changed")
        rc = srv.stop()
        check(rc == 0, f"rampartd stopped with {rc}:\n{srv.out}")
        check("role=signer msg=stopped" in srv.out,
              "the signer did not stop cleanly")
    finally:
        srv.cleanup()
    print("ok: signer role")


if __name__ == "__main__":
    main()
