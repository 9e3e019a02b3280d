#!/usr/bin/env python3
"""rampart blocklist render on the real indicator files: the 3CX CSV lists
and the MISP events in ../shared/data, in every format.  Each run must
succeed, write a file whose summary on stderr adds up, give the same
bytes on a second run and with the files in another order; the 3CX
staging URL must appear only as exact-URL rules; --limit with
--report-trimmed names each entry left out; --output replaces the file;
bad usage and unreadable inputs fail with status 2; --help exits 0.
The allowlist guard: with github.com, raw.githubusercontent.com, a name
below them and co.uk added as indicators, no format holds a GitHub
name except inside the exact staging URL rule, and co.uk is refused with
its reason; a MISP warninglist and --allow-domain protect their names
and networks; a plain list's networks are blocked (and guarded) as
networks."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

BIN = os.environ.get("RAMPART_BIN")
SHARED = os.environ.get("RAMPART_SHARED_DATA")
NOW = "2024-01-01T00:00:00Z"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def run(*args):
    return subprocess.run([BIN, "blocklist", *args], capture_output=True)


# indicators the guard must refuse, beside the real files
GUARDED = ["github.com", "raw.githubusercontent.com", "www.github.com",
           "objects.githubusercontent.com", "co.uk"]
GITHUB = re.compile(r"github(usercontent)?\.com", re.I)
STAGING_PATH = "/IconStorages/images/main/"
GUARD_SUMMARY = re.compile(rb"^allowlist guard: (\d+) refused.*, (\d+) URLs "
                           rb"on a protected host kept as exact URLs only$",
                           re.M)


def check_guard(files, tmp):
    """The guard's refusals, reasons, warninglists and --allow-domain."""
    p = run("render", "--format", "unbound", "--now", NOW,
            "--report-refused", "--indicators", *files)
    m = GUARD_SUMMARY.search(p.stderr)
    if p.returncode != 0 or m is None or int(m.group(1)) != len(GUARDED) \
            or int(m.group(2)) != 1:
        fail(f"guard summary: {p.stderr[-600:]!r}")
    err = p.stderr.decode()
    if not re.search(r"^\S+: refused: domain co\.uk: public-suffix: co\.uk "
                     r"is a public suffix", err, re.M):
        fail(f"co.uk not refused with its reason: {err[-600:]!r}")
    for name in GUARDED[:4]:
        if not re.search(rf"^\S+: refused: domain {re.escape(name)}: "
                         rf"(allowlisted|under-allowlisted): .*built-in "
                         rf"allowlist", err, re.M):
            fail(f"{name} not refused as allowlisted: {err[-600:]!r}")
    q = run("render", "--format", "unbound", "--now", NOW, "--indicators",
            *files)
    if q.stdout != p.stdout or b": refused: " in q.stderr or \
            b"--report-refused names them" not in q.stderr:
        fail("refusals printed without --report-refused")
    base = run("render", "--format", "csv", "--now", NOW, "--indicators",
               *files).stdout.decode()
    for want in ("domain,journalide.org,", "domain,www.journalide.org,",
                 "address,59.188.12.123,"):
        if want not in base:
            fail(f"csv without an allowlist lacks {want}")
    wl_names = os.path.join(tmp, "partners.json")
    wl_nets = os.path.join(tmp, "nets.json")
    with open(wl_names, "w") as f:
        json.dump({"name": "Partner domains", "version": 1,
                   "description": "a partner we must reach",
                   "type": "hostname", "list": ["journalide.org"]}, f)
    with open(wl_nets, "w") as f:
        json.dump({"name": "Partner networks", "version": 1,
                   "description": "a partner's hosting",
                   "type": "cidr", "list": ["59.188.12.0/24"]}, f)
    p = run("render", "--format", "csv", "--now", NOW, "--report-refused",
            "--allowlist", wl_names, "--allowlist", wl_nets,
            "--indicators", *files)
    out, err = p.stdout.decode(), p.stderr.decode()
    if p.returncode != 0 or "journalide.org" in out or \
            "59.188.12.123" in out:
        fail(f"--allowlist did not protect its names: {err[-600:]!r}")
    for line in ("refused: domain journalide.org: allowlisted: ",
                 "refused: domain www.journalide.org: under-allowlisted: ",
                 "refused: address 59.188.12.123: allowlisted: "):
        if line not in err:
            fail(f"--allowlist: no line {line!r}: {err[-600:]!r}")
    if "Partner domains" not in err or "Partner networks" not in err:
        fail(f"--allowlist: refusals do not name the list: {err[-600:]!r}")
    # everything else is as without the lists
    rest = [l for l in base.splitlines()
            if "journalide.org" not in l and "59.188.12.123" not in l]
    if out.splitlines() != rest:
        fail("--allowlist left out more than its names")
    p = run("render", "--format", "hosts", "--now", NOW,
            "--allow-domain", "journalide.org", "--indicators", *files)
    if p.returncode != 0 or b"journalide.org" in p.stdout:
        fail(f"--allow-domain: {p.stderr[-400:]!r}")
    # a plain list's networks read as scheme-less URLs: blocked as
    # networks, and guarded as such, never as URL rules
    nets = os.path.join(tmp, "nets.txt")
    with open(nets, "w") as f:
        f.write("185.100.87.9/24\n10.0.0.0/8\n1.0.0.0/4\n")
    p = run("render", "--format", "csv", "--report-refused", "--now", NOW,
            "--indicators", nets)
    out, err = p.stdout.decode(), p.stderr.decode()
    if p.returncode != 0 or "address,185.100.87.0/24," not in out or \
            "url," in out or "10.0.0.0" in out:
        fail(f"networks in a list: {out!r} {err[-400:]!r}")
    for line in ("refused: address 10.0.0.0/8: reserved-address: ",
                 "refused: address 0.0.0.0/4: too-wide: "):
        if line not in err:
            fail(f"networks in a list: no line {line!r}: {err[-400:]!r}")
    p = run("render", "--format", "nft", "--now", NOW, "--indicators",
            nets)
    if p.returncode != 0 or b"185.100.87.0/24" not in p.stdout:
        fail(f"nft: the network is not in a set: {p.stdout[-300:]!r}")
    for bad in (["--allow-domain", "co.uk"],
                ["--allowlist", os.path.join(tmp, "missing.json")],
                ["--allowlist", files[0]]):
        p = run("render", "--format", "hosts", *bad, "-i", files[0])
        if p.returncode != 2 or p.stdout:
            fail(f"{bad}: status {p.returncode}, want 2 and no output")


SUMMARY = re.compile(rb"^(\S+): (\d+) written, (\d+) skipped .*?, (\d+) "
                     rb"expired, (\d+) trimmed \(limit (\d+)\)$", re.M)


def main():
    if not BIN or not SHARED:
        print("RAMPART_BIN and RAMPART_SHARED_DATA must be set",
              file=sys.stderr)
        return 1
    files = sorted(glob.glob(os.path.join(SHARED, "3cx", "*.csv")) +
                   glob.glob(os.path.join(SHARED, "misp", "*.json")))
    if len(files) < 5:
        fail(f"only {len(files)} indicator files found")
    tmpdir = tempfile.TemporaryDirectory()
    guarded = os.path.join(tmpdir.name, "guarded.txt")
    with open(guarded, "w") as f:
        f.write("".join(n + "\n" for n in GUARDED))
    files.append(guarded)
    check_guard(files, tmpdir.name)
    p = run("render", "--help")
    if p.returncode != 0 or b"--format FORMAT" not in p.stdout:
        fail("render --help")
    names = re.findall(rb"^  (.*)$", p.stdout.split(b"formats (device "
                                                     b"limit):")[-1]
                       .split(b"\n\n")[0], re.M)
    formats = [f.decode() for line in names
               for f in re.findall(rb"([a-z0-9-]+)(?: \(\d+\))?", line)]
    if len(formats) != 24:
        fail(f"--help lists {len(formats)} formats, want 24: {formats}")
    outs, counts = {}, {}
    for fmt in formats:
        p = run("render", "--format", fmt, "--now", NOW, "--indicators",
                *files)
        q = run("render", "--now", NOW, "--indicators", *reversed(files),
                "--format", fmt)
        if p.returncode != 0:
            fail(f"{fmt}: status {p.returncode}: {p.stderr[-500:]!r}")
            continue
        if p.stdout != q.stdout:
            fail(f"{fmt}: other bytes with the files in another order")
        m = SUMMARY.search(p.stderr)
        if m is None or m.group(1).decode() != fmt:
            fail(f"{fmt}: no summary: {p.stderr[-300:]!r}")
            continue
        # no IPv6 address in these files: the ip6tables rules are all
        if not p.stdout or (int(m.group(2)) == 0 and fmt != "ip6tables"):
            fail(f"{fmt}: nothing written")
        counts[fmt] = sum(int(m.group(i)) for i in (2, 3, 4, 5))
        outs[fmt] = p.stdout.decode("utf-8")
    # every distinct entry is written, skipped, expired or trimmed
    for fmt, n in counts.items():
        if n != counts.get("csv"):
            fail(f"{fmt}: counts add up to {n}, csv has {counts.get('csv')}")
    staging = "raw\\.githubusercontent\\.com/IconStorages/images/main/$"
    if staging not in outs.get("squid-url", ""):
        fail("squid-url: the 3CX staging URL is missing")
    if 'content:"raw.githubusercontent.com"; startswith; endswith; ' \
       'http.uri; content:"/IconStorages/images/main/"' not in \
            outs.get("suricata", ""):
        fail("suricata: the 3CX staging URL is missing")
    # GitHub's names only ever inside the exact staging URL's rule: never
    # a domain or address entry, never a URL widened to its host
    for fmt, text in outs.items():
        for line in text.splitlines():
            if GITHUB.search(line) and STAGING_PATH not in line:
                fail(f"{fmt}: GitHub blocked beyond the staging URL: "
                     f"{line[:200]!r}")
    for fmt in ("csv", "json", "stix", "squid-url", "suricata", "pan-url"):
        if STAGING_PATH not in outs.get(fmt, ""):
            fail(f"{fmt}: the 3CX staging URL is missing")
    # capacity: --limit 5 trims the rest and names each
    p = run("render", "--format", "pan-ip", "--limit", "5",
            "--report-trimmed", "--now", NOW, "--indicators", *files)
    m = SUMMARY.search(p.stderr)
    trimmed = re.findall(rb"^trimmed: address \S+", p.stderr, re.M)
    if p.returncode != 0 or m is None or int(m.group(2)) != 5 or \
            int(m.group(5)) != len(trimmed) or not trimmed:
        fail(f"--limit 5: {p.stderr[-400:]!r}")
    if len([l for l in p.stdout.splitlines() if l]) != 5:
        fail("--limit 5: not 5 lines written")
    # the default is the device's limit
    if m is None or b"(limit 5)" not in p.stderr:
        fail("--limit not shown in the summary")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "block.rsc")
        with open(out, "w") as f:
            f.write("old\n")
        p = run("render", "-f", "mikrotik", "-o", out, "--now", NOW,
                "-i", *files)
        with open(out) as f:
            text = f.read()
        if p.returncode != 0 or text != outs.get("mikrotik"):
            fail("--output did not replace the file with the render")
        if os.listdir(tmp) != ["block.rsc"]:
            fail(f"--output left files behind: {os.listdir(tmp)}")
        for args in (["render", "--format", "nope", "-i", files[0]],
                     ["render", "--format", "nft"],
                     ["render", "--format", "nft", "-i",
                      os.path.join(tmp, "missing.csv")],
                     ["render", "--format", "nft", "--limit", "-1", "-i",
                      files[0]],
                     ["render", "--format", "unbound", "--sinkhole4",
                      "2001:db8::1", "-i", files[0]],
                     ["frobnicate"]):
            p = run(*args)
            if p.returncode != 2 or p.stdout:
                fail(f"{args}: status {p.returncode}, want 2 and no "
                     "output")
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        return 1
    print("blocklist_cli: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
