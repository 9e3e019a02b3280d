#!/usr/bin/env python3
"""rampart blocklist render on the real indicator files: the 3CX CSV lists
and the MISP events in ../shared/data, in every format.  Each run must
succeed, write a file whose summary on stderr adds up, give the same
bytes on a second run and with the files in another order; the 3CX
staging URL must appear only as exact-URL rules; --limit with
--report-trimmed names each entry left out; --output replaces the file;
bad usage and unreadable inputs fail with status 2; --help exits 0."""
import glob
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
    for fmt in ("unbound", "rpz", "squid-dstdomain", "pan-domain",
                "fortigate-domain", "hosts", "dnsmasq"):
        if "raw.githubusercontent.com" in outs.get(fmt, "") and \
                "IconStorages" not in outs.get(fmt, ""):
            # the CSV lists raw.githubusercontent.com only inside URLs
            fail(f"{fmt}: a URL was widened to its host")
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
