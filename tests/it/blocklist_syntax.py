#!/usr/bin/env python3
"""The blocklist formats that have no checker one can install, judged by a
strict grammar of each, written here from the vendor's documentation
(cited at each grammar): Suricata rules and datasets, the pfSense URL
table, the FortiGate external feeds, the Palo Alto EDLs and the MikroTik
script.  Every line of every file must match its grammar, on the 3CX
indicators plus hostile values (quotes, semicolons, pipes, '*', '$', '?',
non-ASCII text) that must come out escaped or be refused, and on a
generated set; the same set in another order gives the same bytes; and
values no format may carry are refused when they are added."""
import base64
import csv
import ipaddress
import os
import random
import re
import subprocess
import sys

RENDER = os.environ.get("RAMPART_BLOCKLIST_RENDER")
SHARED = os.environ.get("RAMPART_SHARED_DATA")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


NAME = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+"
HEX_HASH = r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})"


def is_net(s):
    try:
        ipaddress.ip_network(s, strict=True)
        return True
    except ValueError:
        return False


# Suricata rule grammar (docs.suricata.io, "Rules format" and "Payload
# keywords: content"): action proto src port -> dst port (options); in
# msg the characters ; \ " are escaped with a backslash; in content they
# and | are written as |hex|; every option ends with "; ".  Our sids lie
# in 1970000000-1979999999 (docs/internals/blocklist.md).
SUR_MSG = r'msg:"(?:[\x20-\x21\x23-\x3a\x3c-\x5b\x5d-\x7e]|\\[";\\])*"; '
SUR_CONTENT = r'content:"(?:[\x20-\x21\x23-\x3a\x3c-\x5b\x5d-\x7b\x7d-\x7e]|\|[0-9A-F]{2}\|)*"; '
SUR_OPT = (r"(?:" + SUR_CONTENT + r"|(?:dns\.query|tls\.sni|http\.host|"
           r"http\.uri|http\.uri\.raw|dotprefix|endswith|startswith|nocase|"
           r"flow:established,to_server); )")
SUR_RULE = re.compile(r"drop (dns|tls|http) any any -> any any \(" + SUR_MSG +
                      SUR_OPT + r"+sid:(\d+); rev:1;\)")


def check_suricata(text):
    sids = set()
    for line in text.splitlines():
        if line.startswith("# "):
            continue
        m = SUR_RULE.fullmatch(line)
        if m is None:
            return f"not a rule: {line!r}"
        sid = int(m.group(2))
        if not 1970000000 <= sid <= 1979999999:
            return f"sid {sid} outside the range"
        if sid in sids:
            return f"sid {sid} twice"
        sids.add(sid)
    return None


def check_dataset(text):
    # Suricata datasets, type string: one base64-encoded value a line
    # (docs.suricata.io, "Datasets"); no comments.
    for line in text.splitlines():
        if not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", line):
            return f"not base64: {line!r}"
        if not re.fullmatch(NAME, base64.b64decode(line).decode("ascii")):
            return f"not a name: {line!r}"
    return None


def lines_match(text, ok):
    for line in text.splitlines():
        if not ok(line):
            return f"bad line {line!r}"
    return None


def check_pfsense(text):
    # pfSense "URL Table (IPs)": one address or CIDR block a line
    # (docs.netgate.com/pfsense/en/latest/firewall/aliases-types.html).
    return lines_match(text, is_net)


def check_fortigate_ip(text):
    # FortiOS threat feeds: "one IP/IP range/subnet per line"
    # (docs.fortinet.com, FortiGate administration guide, "Threat feeds").
    return lines_match(text, is_net)


def check_fortigate_domain(text):
    # "one domain per line. Simple wildcards are supported" (same page).
    return lines_match(text, lambda l: re.fullmatch(r"(?:\*\.)?" + NAME, l))


def check_fortigate_hash(text):
    # "one hash per line in the format <hex hash> [optional hash
    # description]" (same page): MD5, SHA1 or SHA256.
    return lines_match(text, lambda l: re.fullmatch(
        HEX_HASH + r"(?: [\x20-\x7e]+)?", l))


def check_pan_ip(text):
    # PAN-OS EDL, IP address list: "[IP address, IP/Mask, or IP start
    # range-IP end range] [space] [comment]" (docs.paloaltonetworks.com,
    # "Formatting Guidelines for an External Dynamic List").
    def ok(line):
        ip, _, comment = line.partition(" ")
        return is_net(ip) and all(0x20 <= ord(c) < 0x7f for c in comment)
    return lines_match(text, ok)


def check_pan_domain(text):
    # PAN-OS EDL, domain list: one name a line, no scheme, "*" only as a
    # whole leading token, at most 255 characters (same page).
    return lines_match(text, lambda l: len(l) <= 255 and re.fullmatch(
        r"(?:\*\.)?" + NAME, l))


def check_pan_url(text):
    # PAN-OS EDL, URL list: no scheme; "*" and "^" are wildcard tokens
    # (never in an exact entry here); no spaces; at most 255 characters.
    return lines_match(text, lambda l: len(l) <= 255 and re.fullmatch(
        NAME + r"(?::\d+)?(?:[/?][\x21-\x29\x2b-\x5d\x5f-\x7e]*)?", l))


# RouterOS scripting (help.mikrotik.com, "Scripting"): in a string,
# \" \\ \$ \? and \XX (hex byte) are escapes; $ starts a variable and ?
# asks for help, so both must be escaped.
ROS_STRING = r'"(?:[\x20\x21\x23\x25-\x3e\x40-\x5b\x5d-\x7e]|\\["\\$?]|\\[0-9A-F]{2})*"'


def check_mikrotik(text):
    menu = None
    for line in text.splitlines():
        if line.startswith("# "):
            continue
        if line in ("/ip firewall address-list",
                    "/ipv6 firewall address-list"):
            menu = line
            continue
        if line == "remove [find list=rampart-block]" and menu:
            continue
        m = re.fullmatch(r"add list=rampart-block address=(\S+)"
                         r"(?: comment=" + ROS_STRING + ")?", line)
        if m is None or menu is None:
            return f"bad line {line!r}"
        a = m.group(1)
        v6 = menu.startswith("/ipv6")
        if is_net(a):
            if (ipaddress.ip_network(a).version == 6) != v6:
                return f"{a} under {menu}"
        elif v6 or not re.fullmatch(NAME, a):
            return f"bad address {a!r} under {menu}"
    return None


CHECKS = {"suricata": check_suricata, "suricata-dataset": check_dataset,
          "pfsense": check_pfsense, "fortigate-ip": check_fortigate_ip,
          "fortigate-domain": check_fortigate_domain,
          "fortigate-hash": check_fortigate_hash, "pan-ip": check_pan_ip,
          "pan-domain": check_pan_domain, "pan-url": check_pan_url,
          "mikrotik": check_mikrotik}

HOSTILE_OK = [
    "domain evil.example 3CX; drop | all $x ?y (é) \u00fc",
    "url https://evil.example/a;b'c(d)e$f?g=1&h=x 3CX",
    "url https://evil.example/wild*card",
    "url http://EVIL.example:8080/Path%20x?q#frag",
    "addr 192.0.2.0/24 comment; with # and $",
    "sha256 " + "AB" * 32 + " payload; \"q\"".replace('"', ""),
    "md5 " + "0" * 32,
    "url evil.example/no-scheme?x=1 feeds write URLs so",
]
REFUSED = [
    "domain *.evil.example", "domain évil.example", "domain evil",
    "domain evil.example x\"y", "url https://evil.example/a\tb",
    "url https://evil.example/a|b",
    "url https://evil.example/\"x", "url javascript:alert(1)",
    "url evil.example", "url ftp://evil.example/x", "url evil.example/é",
    "url evil.example/a\"b", "sha256 " + "g" * 64, "md5 " + "0" * 31,
    "addr 10.0.0.0/0", "domain evil.example bad\\comment",
]


def render(fmt, lines):
    p = subprocess.run([RENDER, fmt], input="\n".join(lines) + "\n",
                       capture_output=True, encoding="utf-8")
    if p.returncode != 0:
        fail(f"render {fmt}: {p.stderr.strip()}")
        return None
    return p.stdout


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
            if len(row) < 2:
                continue
            v = row[1].strip().replace("[.]", ".")
            if row[0] == "URL" and "/" in v:
                lines.append(f"url https://{v}")
            elif row[0] == "URL":
                lines.append(f"domain {v} sophos 3CX")
            elif row[0] == "SHA256":
                lines.append(f"sha256 {v}")
            elif row[0] == "SHA1":
                lines.append(f"sha1 {v}")
    return lines


def generated():
    rnd = random.Random(99)
    out = [f"domain n{i}.z{i % 97}.example" for i in range(20000)]
    out += [f"addr {ipaddress.IPv4Address(rnd.getrandbits(32))}/"
            f"{rnd.randint(8, 32)}" for _ in range(10000)]
    out += [f"addr {ipaddress.IPv6Address(rnd.getrandbits(128))}"
            for _ in range(10000)]
    out += [f"url https://u{i}.example/p/{i}?q={i}" for i in range(5000)]
    out += [f"sha256 {rnd.getrandbits(256):064x}" for _ in range(5000)]
    return out


def judge(name, lines):
    shuffled = list(lines)
    random.Random(3).shuffle(shuffled)
    outs = {}
    for fmt, check in CHECKS.items():
        a, b = render(fmt, lines), render(fmt, shuffled)
        if a is None or b is None:
            continue
        if a != b:
            fail(f"{name} {fmt}: output depends on the input's order")
        why = check(a)
        if why is not None:
            fail(f"{name} {fmt}: {why}")
        outs[fmt] = a
    return outs


def main():
    if not RENDER or not SHARED:
        print("RAMPART_BLOCKLIST_RENDER and RAMPART_SHARED_DATA must be set",
              file=sys.stderr)
        return 1
    for line in REFUSED:
        p = subprocess.run([RENDER, "csv"], input=line + "\n",
                           capture_output=True, encoding="utf-8")
        if p.returncode == 0:
            fail(f"accepted {line!r}")
    cx = three_cx()
    if len(cx) < 40:
        fail(f"only {len(cx)} 3CX indicators extracted")
    outs = judge("3cx", cx + HOSTILE_OK)
    sur = outs.get("suricata", "")
    # the 3CX staging URL as one exact host + path rule, never the host
    if 'http.host; content:"raw.githubusercontent.com"; startswith; ' \
       'endswith; http.uri; content:"/IconStorages/images/main/"' not in sur:
        fail("3cx suricata: no exact rule for the staging URL")
    if 'dotprefix; content:".raw.githubusercontent.com"' in sur:
        fail("3cx suricata: a URL was widened to its host")
    for want in ('msg:"Rampart blocklist: DNS query evil.example (3CX\\; '
                 'drop |',
                 'content:"/a|3B|b\'c(d)e$f?g=1&h=x"'):
        if want not in sur:
            fail(f"hostile suricata: missing {want}")
    pan = outs.get("pan-url", "")
    if "wild*card" in pan or "evil.example/a;b'c(d)e$f?g=1&h=x" not in pan:
        fail(f"hostile pan-url: want the '*' URL refused, the other kept:"
             f"\n{pan}")
    if "http://" in pan or "https://" in pan or "#frag" in pan:
        fail("pan-url: scheme or fragment written")
    ros = outs.get("mikrotik", "")
    if 'comment="3CX; drop | all \\$x \\?y (\\C3\\A9) \\C3\\BC"' not in ros:
        fail("hostile mikrotik: comment not escaped")
    if "raw.githubusercontent.com" in outs.get("fortigate-domain", "") + \
            outs.get("pan-domain", "") + outs.get("mikrotik", ""):
        fail("3cx: a URL was widened to its host")
    judge("gen", generated())
    judge("empty", [])
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        return 1
    print("blocklist_syntax: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
