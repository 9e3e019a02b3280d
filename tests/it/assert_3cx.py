"""Checks `rampart check --json` output for the 3CX case (tests/data/3cx)."""
import json
import sys

EXPECT = {
    # host: (verdict, product ID, rule words, remediation words or None)
    "ws-acct-01": ("affected", "CSAFPID-WIN-18.12.416",
                   "exact version 18.12.416 = 18.12.416.0",
                   ["18.12.422", "web client"]),
    "ws-reception-03": ("not_affected", "CSAFPID-WIN-BEFORE-18.12.407",
                        "range vers:generic/<18.12.407 contains 18.11.1213.0",
                        None),
    "mac-design-02": ("affected", "CSAFPID-MAC-18.11.1213",
                      "exact version 18.11.1213 = 18.11.1213",
                      ["18.12.422", "web client"]),
    "mac-ceo-01": ("fixed", "CSAFPID-MAC-18.12.422",
                   "exact version 18.12.422 = 18.12.422", ["18.12.425"]),
    "pbx-01": ("not_affected", "CSAFPID-PBX", "all versions", None),
}
ADV = "RAMPART-3CX-2023-001"


def main(path):
    with open(path) as f:
        doc = json.load(f)
    errors = []
    if doc.get("rampart_check") != 1:
        errors.append("rampart_check is not 1")
    hosts = {h["name"]: h for h in doc["hosts"]}
    if sorted(hosts) != sorted(EXPECT):
        errors.append("hosts %s, expected %s" % (sorted(hosts), sorted(EXPECT)))
    for name, (verdict, pid, rule, remedy) in EXPECT.items():
        h = hosts.get(name)
        if h is None:
            continue
        if h["verdict"] != verdict:
            errors.append("%s: host verdict %s, expected %s" % (name, h["verdict"], verdict))
        mine = [r for r in h["results"] if r["software"] is not None]
        if len(mine) != 1:
            errors.append("%s: %d matching results, expected 1" % (name, len(mine)))
            continue
        r = mine[0]
        for key, want in (("verdict", verdict), ("advisory", ADV), ("product_id", pid),
                          ("vulnerability", "CVE-2023-29059")):
            if r[key] != want:
                errors.append("%s: %s is %r, expected %r" % (name, key, r[key], want))
        for word in (ADV, pid, rule):
            if word not in r["reason"]:
                errors.append("%s: reason lacks %r: %s" % (name, word, r["reason"]))
        if remedy is None:
            if r["remediation"] is not None:
                errors.append("%s: unexpected remediation %r" % (name, r["remediation"]))
        else:
            for word in remedy:
                if word not in (r["remediation"] or ""):
                    errors.append("%s: remediation lacks %r: %r" % (name, word, r["remediation"]))
    s = doc["summary"]
    want = {"hosts": 5, "affected": 2, "fixed": 1, "not_affected": 2, "unknown": 0,
            "under_investigation": 0}
    if s != want:
        errors.append("summary %s, expected %s" % (s, want))
    for e in errors:
        print("assert_3cx: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
