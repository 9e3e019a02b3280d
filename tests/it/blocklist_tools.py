#!/usr/bin/env python3
"""The blocklist renderers judged by the real tools.

Renders (through tests/it/blocklist_render) the 3CX indicators -- the
hostnames of Volexity's list and the hosts and URLs of Sophos' list, read
here by a simple extraction -- and a generated set of 100 000 domains and
100 000 IPv4/IPv6 addresses and blocks (with blocks nested in others), in
every format, and runs the tool that will load each file: nft -c -f in a
network namespace of its own, unbound-checkconf on a minimal unbound.conf
including the file, named-checkzone on the RPZ zone, dnsmasq --test,
ipset restore (twice: a reload must work) and then iptables-restore
--test / ip6tables-restore --test in one network namespace of their own,
and squid -k parse on a minimal squid.conf with the ACL file.  A missing
tool is a failure.  Each checker is also shown to refuse a broken
copy of the file, and every output must be the same bytes when the input
comes in another order."""
import csv
import ipaddress
import os
import random
import shutil
import subprocess
import sys
import tempfile

RENDER = os.environ.get("RAMPART_BLOCKLIST_RENDER")
SHARED = os.environ.get("RAMPART_SHARED_DATA")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def tool(name):
    for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    p = shutil.which(name)
    if p is None:
        fail(f"{name} is not installed (scripts/setup-deps.sh installs it)")
    return p


def three_cx():
    lines = []
    with open(os.path.join(SHARED, "3cx", "volexity-iocs.csv"),
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["entity_type"] == "hostname":
                lines.append(f"domain {row['value']} volexity 3CX")
    with open(os.path.join(SHARED, "3cx", "sophos-3CX-IoCs-2023-03.csv"),
              encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if len(row) < 2 or row[0] != "URL":
                continue
            v = row[1].strip().replace("[.]", ".")
            host = v.split("/", 1)[0]
            lines.append(f"domain {host} sophos 3CX")
            if "/" in v:
                lines.append(f"url https://{v}")
                # as the list writes it, without a scheme: both schemes
                lines.append(f"url {v}")
    return lines


def generated():
    rnd = random.Random(20230329)
    lines = [f"domain h{i}.d{i % 997}.example-{i % 101}.com"
             for i in range(100000)]
    for i in range(100000):
        k = i % 4
        if k == 0:
            lines.append(f"addr {ipaddress.IPv4Address(rnd.getrandbits(32))}")
        elif k == 1:
            p = rnd.randint(8, 32)
            a = ipaddress.IPv4Address(rnd.getrandbits(32))
            # host bits set on purpose: the renderer keeps the network
            lines.append(f"addr {a}/{p}")
        elif k == 2:
            lines.append(f"addr {ipaddress.IPv6Address(rnd.getrandbits(128))}")
        else:
            p = rnd.randint(16, 128)
            a = ipaddress.IPv6Address(rnd.getrandbits(128))
            lines.append(f"addr {a}/{p}")
    # blocks inside blocks, and duplicates
    lines += ["addr 10.0.0.0/8", "addr 10.20.0.0/16", "addr 10.20.30.40",
              "addr 2001:db8::/32", "addr 2001:db8:1::/48",
              "addr 2001:db8:1::1", "domain h1.d1.example-1.com dup"]
    return lines


def render(fmt, lines, *opts):
    p = subprocess.run([RENDER, fmt, *opts], input="\n".join(lines) + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"render {fmt}: {p.stderr.strip()}")
        return None
    return p.stdout


def check_nft(path):
    # As root: in a user namespace nft cannot raise its netlink buffer
    # (SO_SNDBUFFORCE) and a 50 000-element set does not fit.
    return [tool("unshare"), "-n", tool("nft"), "-c", "-f", path]


def check_unbound(path):
    conf = path + ".conf"
    with open(conf, "w") as f:
        f.write('server:\n\tusername: ""\n\tchroot: ""\n'
                f'\tdirectory: "{os.path.dirname(path)}"\n\tpidfile: ""\n'
                f'include: "{path}"\n')
    return [tool("unbound-checkconf"), conf]


def check_rpz(path):
    return [tool("named-checkzone"), "rpz.rampart.test", path]


def check_dnsmasq(path):
    return [tool("dnsmasq"), "--test", f"--conf-file={path}"]


def check_hosts(path):
    # No tool loads a hosts file on its own; check the shape of each line.
    bad = 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                bad += 1
                continue
            ipaddress.ip_address(parts[0])
    return [sys.executable, "-c", f"import sys; sys.exit({1 if bad else 0})"]


def check_ipset(path):
    # loaded twice: the second load replaces the sets (create -exist,
    # swap), as a periodic reload does
    return [tool("unshare"), "-n", "sh", "-ec",
            '"$1" restore < "$2"; "$1" restore < "$2"', "sh", tool("ipset"),
            path]


def check_iptables(path, cmd="iptables-restore"):
    # the rules refer to the ipset sets, which must exist: the ipset file
    # of the same list is restored first in the same namespace
    sets = path.rsplit(".", 1)[0] + ".ipset"
    return [tool("unshare"), "-n", "sh", "-ec",
            '"$1" restore < "$2"; "$3" --test --noflush < "$4"; '
            '"$3" --noflush < "$4"; "$3" --noflush < "$4"',
            "sh", tool("ipset"), sets, tool(cmd), path]


def check_ip6tables(path):
    return check_iptables(path, "ip6tables-restore")


SQUID_ACL = {"squid-dstdomain": "dstdomain", "squid-dst": "dst",
             "squid-url": "url_regex -i"}


def check_squid(path):
    fmt = path.rsplit(".", 1)[1]
    d = os.path.dirname(path)
    conf = path + ".squid.conf"
    with open(conf, "w") as f:
        f.write(f"pid_filename {d}/squid.pid\ncache_log {d}/cache.log\n"
                "access_log none\n"
                f'acl rampart {SQUID_ACL[fmt]} "{path}"\n'
                "http_access deny rampart\nhttp_access deny all\n"
                "http_port 127.0.0.1:3128\n")
    # squid -k parse exits 0 after warnings (a name under another one,
    # an ignored block): any warning or error line is a failure too
    return [sys.executable, "-c",
            "import subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, "
            "text=True)\n"
            "bad = [l for l in (p.stdout + p.stderr).splitlines() "
            "if 'WARNING' in l or 'ERROR' in l or 'FATAL' in l]\n"
            "print('\\n'.join(bad), file=sys.stderr)\n"
            "sys.exit(1 if p.returncode or bad else 0)\n",
            tool("squid"), "-k", "parse", "-f", conf]


CHECKS = {"nft": check_nft, "unbound": check_unbound, "rpz": check_rpz,
          "dnsmasq": check_dnsmasq, "hosts": check_hosts,
          "ipset": check_ipset, "iptables": check_iptables,
          "ip6tables": check_ip6tables, "squid-dstdomain": check_squid,
          "squid-dst": check_squid, "squid-url": check_squid}
BROKEN = {"nft": "table inet rampart_blocklist { chain x { bogus } }\n",
          "unbound": "server:\n\tlocal-zone: \"x.test.\" nonsense\n",
          "rpz": "bad..name CNAME .\n", "dnsmasq": "no-such-option-xyz\n",
          "hosts": "not an address line at all\n",
          "ipset": "add rampart-block4-new not-an-address\n",
          "iptables": "*filter\n-A NO-SUCH-CHAIN -j DROP\nCOMMIT\n",
          "ip6tables": "*filter\n-A NO-SUCH-CHAIN -j DROP\nCOMMIT\n",
          "squid-dstdomain": ".sub.h1.d1.example-1.com\n",
          "squid-dst": "not-an-address\n",
          "squid-url": "^http://(unclosed\n"}


def run_check(fmt, path, want_ok):
    cmd = CHECKS[fmt](path)
    if None in cmd:
        return
    p = subprocess.run(cmd, capture_output=True, text=True)
    if want_ok and p.returncode != 0:
        fail(f"{fmt}: {' '.join(cmd)} refused {path}: "
             f"{(p.stdout + p.stderr).strip()[:2000]}")
    if not want_ok and p.returncode == 0:
        fail(f"{fmt}: {' '.join(cmd)} accepted a broken file")


def judge(tmp, name, lines, opts=()):
    shuffled = list(lines)
    random.Random(7).shuffle(shuffled)
    for fmt in CHECKS:
        out = render(fmt, lines, *opts)
        again = render(fmt, shuffled, *opts)
        if out is None or again is None:
            continue
        if out != again:
            fail(f"{name} {fmt}: output depends on the input's order")
        path = os.path.join(tmp, f"{name}.{fmt}")
        with open(path, "w") as f:
            f.write(out)
        run_check(fmt, path, True)
        yield fmt, out


def nft_replace(tmp):
    """Loads two files one after the other in a network namespace of its
    own: the first load creates the table, the second replaces it whole."""
    first = render("nft", ["addr 192.0.2.0/24", "addr 2001:db8:1::/48"])
    second = render("nft", ["addr 198.51.100.1"])
    if first is None or second is None:
        return
    paths = []
    for i, text in enumerate((first, second)):
        paths.append(os.path.join(tmp, f"replace{i}.nft"))
        with open(paths[-1], "w") as f:
            f.write(text)
    unshare, nft = tool("unshare"), tool("nft")
    if unshare is None or nft is None:
        return
    p = subprocess.run([unshare, "-n", "sh", "-ec",
                        f'"$1" -f "$2"; "$1" -f "$3"; '
                        f'"$1" list table inet rampart_blocklist',
                        "sh", nft, paths[0], paths[1]],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"nft load and replace: {p.stderr.strip()}")
        return
    if "198.51.100.1" not in p.stdout or "192.0.2.0" in p.stdout or \
            "2001:db8:1::" in p.stdout:
        fail(f"nft replace did not leave exactly the second list:\n"
             f"{p.stdout}")
    if p.stdout.count("hook ") != 3:
        fail(f"nft replace: want 3 base chains:\n{p.stdout}")


def main():
    if not RENDER or not SHARED:
        print("RAMPART_BLOCKLIST_RENDER and RAMPART_SHARED_DATA must be set",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        cx = three_cx()
        if len(cx) < 40:
            fail(f"only {len(cx)} 3CX indicators extracted")
        outs = dict(judge(tmp, "3cx", cx, ("--serial", "2023032901")))
        for fmt in ("unbound", "rpz", "dnsmasq", "hosts"):
            if "akamaicontainer.com" not in outs.get(fmt, ""):
                fail(f"3cx {fmt}: akamaicontainer.com not blocked")
        if "*.akamaicontainer.com CNAME ." not in outs.get("rpz", ""):
            fail("3cx rpz: subdomains of akamaicontainer.com not blocked")
        # the exact 3CX staging URLs, as exact-URL rules only
        for want in ("^https://raw\\.githubusercontent\\.com/"
                     "IconStorages/images/main/$",
                     "^https?://raw\\.githubusercontent\\.com/"
                     "IconStorages/images/main/$"):
            if want not in outs.get("squid-url", ""):
                fail(f"3cx squid-url: no rule starting {want}")
        for fmt in ("squid-dst", "ipset"):
            if "githubusercontent" in outs.get(fmt, ""):
                fail(f"3cx {fmt}: a URL was widened to its host")
        sink = ("--sinkhole4", "192.0.2.1", "--sinkhole6", "2001:db8::53")
        outs = dict(judge(tmp, "3cx-sink", cx, sink))
        if 'local-data: "akamaicontainer.com. A 192.0.2.1"' not in \
                outs.get("unbound", ""):
            fail("3cx unbound sinkhole: no local-data for the sinkhole")
        nft_replace(tmp)
        # an empty list is still a file each tool loads
        dict(judge(tmp, "empty", []))
        gen = generated()
        outs = dict(judge(tmp, "gen", gen, ("--serial", "1")))
        nft = outs.get("nft", "")
        if "10.20.0.0/16" in nft or "10.0.0.0/8" not in nft:
            fail("gen nft: nested block not merged into 10.0.0.0/8")
        rpz = outs.get("rpz", "")
        for want in ("8.0.0.0.10.rpz-ip CNAME .",
                     "16.0.0.20.10.rpz-ip CNAME .",
                     "32.zz.db8.2001.rpz-ip CNAME .",
                     "128.1.zz.1.db8.2001.rpz-ip CNAME ."):
            if want not in rpz:
                fail(f"gen rpz: missing {want}")
        if rpz.count("\n*.") != 100000:
            fail(f"gen rpz: {rpz.count(chr(10) + '*.')} wildcards, "
                 "want 100000")
        for fmt in CHECKS:
            path = os.path.join(tmp, f"broken.{fmt}")
            with open(path, "w") as f:
                f.write(outs.get(fmt, "") + BROKEN[fmt])
            run_check(fmt, path, False)
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        return 1
    print("blocklist_tools: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
