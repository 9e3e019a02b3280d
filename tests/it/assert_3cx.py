"""Checks `rampart check --json` output for the 3CX case (tests/data/3cx).

usage: assert_3cx.py FILE            the CSAF advisory: verdicts, product IDs,
                                     rules and remediations
       assert_3cx.py FILE ADVISORY   another advisory of the case: verdicts and
                                     that every reason names ADVISORY
"""
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


def verdicts_only(doc, adv):
    """Another advisory of the same case: the same verdicts, its own IDs."""
    errors = []
    for name, (verdict, _, _, _) in EXPECT.items():
        h = [x for x in doc["hosts"] if x["name"] == name]
        if not h:
            errors.append("%s: missing" % name)
            continue
        if h[0]["verdict"] != verdict:
            errors.append("%s: verdict %s, expected %s" % (name, h[0]["verdict"], verdict))
        for r in h[0]["results"]:
            if adv not in r["reason"]:
                errors.append("%s: reason lacks %s: %s" % (name, adv, r["reason"]))
    return errors


def main(path, adv=None):
    with open(path) as f:
        doc = json.load(f)
    if adv is not None:
        errors = verdicts_only(doc, adv)
        for e in errors:
            print("assert_3cx: " + e, file=sys.stderr)
        return 1 if errors else 0
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
    sys.exit(main(*sys.argv[1:3]))
