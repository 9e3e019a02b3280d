"""Checks rampart check --json on the distribution case (check_distro.sh).

Each row: host, package, advisory -> verdict, rule and the facts that
show how it was decided (source package, distribution and release)."""
import json
import sys

EXPECT = [
    # Debian 12: binaries found through their source package.
    ("deb12-web", "libssl3", "DSA-5532-1", "affected", "range",
     {"via": "source", "source_package": "openssl", "distribution": "Debian",
      "release": "12", "installed_version": "3.0.11-1~deb12u1"}),
    ("deb12-web", "openssl", "DSA-5532-1", "affected", "range",
     {"via": "source", "source_package": "openssl"}),
    ("deb12-web", "libc6", "DSA-5514-1", "affected", "range",
     {"source_package": "glibc", "release": "12",
      "fix_version": "2.36-9+deb12u3"}),
    # Entries for other releases and other distributions never hit.
    ("deb12-web", "liblzma5", "DLA-3684-1", "not_affected", "release",
     {"release": "10", "host_distribution": "Debian", "host_release": "12"}),
    ("deb12-web", "libssl3", "USN-6450-1", "not_affected", "release",
     {"distribution": "Ubuntu", "host_distribution": "Debian"}),
    # Debian 10: a binNMU is compared by its source version.
    ("deb10-old", "liblzma5", "DLA-3684-1", "affected", "range",
     {"source_package": "xz-utils", "installed_version": "5.2.4-1",
      "release": "10"}),
    ("deb10-old", "xz-utils", "DLA-3684-1", "affected", "range",
     {"source_package": "xz-utils", "installed_version": "5.2.4-1"}),
    ("deb10-old", "libc6", "DSA-5514-1", "not_affected", "release",
     {"host_release": "10"}),
    ("deb10-old", "libssl1.1", "DSA-5532-1", "not_affected", "release", {}),
    # Ubuntu 18.04: only the Pro entry of its release applies.
    ("ubu1804-pbx", "libssl1.1", "USN-6450-1", "affected", "range",
     {"distribution": "Ubuntu", "release": "18.04",
      "fix_version": "1.1.1-1ubuntu2.1~18.04.23+esm3"}),
    ("ubu1804-pbx", "openssl", "USN-6450-1", "affected", "range",
     {"via": "source", "release": "18.04"}),
    ("ubu1804-pbx", "libssl1.1", "DSA-5532-1", "not_affected", "release",
     {"host_distribution": "Ubuntu", "host_release": "18.04"}),
    ("ubu1804-pbx", "libc6", "DSA-5514-1", "not_affected", "release", {}),
    # Red Hat CSAF: products are default_component_of a platform whose CPE
    # names the release (AppStream AUS 8.6); 8.10 and 9.4 are others.
    ("rhel-86-aus", "git-lfs", "RHSA-2024:4546", "affected", "below_fix",
     {"distribution": "Red Hat Enterprise Linux", "release": "8.6"}),
    ("rhel-810", "git-lfs", "RHSA-2024:4546", "not_affected", "release",
     {"release": "8.6", "host_release": "8.10"}),
    ("rhel-94", "git-lfs", "RHSA-2024:4546", "not_affected", "release",
     {"host_release": "9.4"}),
    # Ubuntu 22.04: the fixed version is fixed, an older binary affected.
    ("ubu2204-app", "libssl3", "USN-6450-1", "fixed", "exact",
     {"release": "22.04", "source_package": "openssl"}),
    ("ubu2204-app", "openssl", "USN-6450-1", "affected", "range",
     {"installed_version": "3.0.2-0ubuntu1.10", "release": "22.04",
      "fix_version": "3.0.2-0ubuntu1.12"}),
]


# Red Hat's OSV record of the same advisory: binary packages whose purl
# namespace is "redhat", hosts whose agent wrote "rhel" (os-release ID).
EXPECT_OSV = [
    ("rhel-86-aus", "git-lfs", "RHSA-2024:4546", "affected", "range",
     {"via": "purl", "distribution": "Red Hat Enterprise Linux",
      "release": "8.6"}),
    ("rhel-810", "git-lfs", "RHSA-2024:4546", "not_affected", "release",
     {"host_release": "8.10"}),
    ("rhel-94", "git-lfs", "RHSA-2024:4546", "not_affected", "release",
     {"host_release": "9.4"}),
]


def main():
    global EXPECT
    if len(sys.argv) > 2 and sys.argv[2] == "osv":
        EXPECT = EXPECT_OSV
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    got = {}
    for host in doc["hosts"]:
        for r in host["results"]:
            sw = (r.get("software") or {}).get("name")
            key = (host["name"], sw, r["advisory"])
            if key in got:
                print("two results for %s" % (key,))
                return 1
            got[key] = r
    bad = 0
    for host, sw, adv, verdict, rule, facts in EXPECT:
        r = got.get((host, sw, adv))
        if r is None:
            print("no result for %s %s %s" % (host, sw, adv))
            bad += 1
            continue
        if r["verdict"] != verdict or r["rule"] != rule:
            print("%s %s %s: %s/%s, expected %s/%s (%s)" % (
                host, sw, adv, r["verdict"], r["rule"], verdict, rule,
                r["reason"]))
            bad += 1
        for k, v in facts.items():
            if r["facts"].get(k) != v:
                print("%s %s %s: facts.%s = %r, expected %r" % (
                    host, sw, adv, k, r["facts"].get(k), v))
                bad += 1
        # The reason names the source package and the release it decided on.
        if r["facts"].get("via") == "source" and (
                "source package" not in r["reason"]):
            print("%s %s %s: reason without source: %s" % (
                host, sw, adv, r["reason"]))
            bad += 1
        rel = r["facts"].get("release")
        if rel is not None and rel not in r["reason"]:
            print("%s %s %s: reason without release: %s" % (
                host, sw, adv, r["reason"]))
            bad += 1
    # Nothing of another release or distribution was affected anywhere.
    for (host, sw, adv), r in got.items():
        if r["verdict"] == "affected":
            want = [e for e in EXPECT if e[:3] == (host, sw, adv)]
            if not want:
                print("unexpected affected: %s %s %s: %s" % (
                    host, sw, adv, r["reason"]))
                bad += 1
    return 1 if bad else 0


sys.exit(main())
