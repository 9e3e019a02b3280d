#!/usr/bin/env python3
"""The agent sweep benchmark: rampart-agent sweep against peer tools.

Run through bench/sweep.sh.  Cases, each warm (tree read once first) and
cold (caches evicted before every single run, see evict.py):

  hash    first sweep, 500 SHA-256 indicators, --no-cache
          vs  find R -type f -print0 | xargs -0 -P$(nproc) sha256sum
  sized   the same indicators with file sizes (agent only: the size
          pre-filter lets it skip hashing most files; no peer has one)
  walk    --walk-only (enumerate and stat)
          vs  fdfind -HI -tf . R,  find R -type f, and two that stat
              every file as the agent does: fdfind -HI -tf -S -100gi . R
              (a size filter all files pass) and
              find R -type f -printf '%s %T@ %p\\n'
  yara    the Volexity 3CX rules only vs  yara -r -f -N -p $(nproc) -z 32M
          (-N: symlinks not followed, as the agent; -z: the agent's default
          YARA size limit, so both scan the same files; -f: fast mode, as
          the agent scans), and the same without -f
  repeat  --cache FILE: first run with no cache file, then the repeat

With --agent-base EXE the hash, sized and yara cases also run EXE (an
agent built from an earlier commit, e.g. the in-process scanner before
the confined child) as the peer "agent@base"; the goal is agent/agent@base
<= 1.10 in both wall and CPU time.  --agents-only leaves the peer tools
out (the comparison of the two agents alone).

Runs alternate between the agent and its peers (the order flips every
repetition).  Every run is checked: peers must list every file / the
planted hashes / the planted YARA hit, the agent must report the planted
files and have seen every file, so a fast but wrong run is marked FAIL.
The median of the repetitions is reported, with the fastest beside it and
the median CPU time (user + system, all processes); peak RSS is the
largest of any repetition (measure.py).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NPROC = os.cpu_count() or 1
CASES = ["hash", "sized", "walk", "yara", "repeat"]
GOALS = {  # case: (peer the ratio is against, ratio wanted, how compared)
    "hash": ("sha256sum", 1.2, "agent/peer <="),
    "walk": ("fdfind", 1.2, "agent/peer <="),
    "yara": ("yara -f", 1.0, "agent/peer <="),
    "repeat": ("first", 20.0, "first/repeat >="),
}
RSS_GOAL_MB = 32.0
# --agent-base: an agent built from an earlier commit (the in-process
# scanner, before the confined child), run in the same cases; the agent
# may be at most this much slower than it.
BASE = "agent@base"
BASE_GOAL = 1.10
YARA_MAX = 32 * 1024 * 1024  # the agent's default --yara-max-size


class Bench:
    def __init__(self, a):
        self.a = a
        with open(os.path.join(a.dir, "manifest.json"), encoding="utf-8") as f:
            self.man = json.load(f)
        self.root = self.man["root"]
        self.tmp = tempfile.mkdtemp(prefix="rampart-bench-", dir="/dev/shm")
        self.results = []
        self.evictions = []
        self.agent = self.find_agent()
        self.lists()

    def find_agent(self):
        exe = self.a.agent or os.path.join(self.a.build, "src", "agent",
                                           "rampart-agent")
        if not os.access(exe, os.X_OK):
            self.agent_why = "%s missing" % exe
            return None
        r = subprocess.run([exe, "sweep", "--help"], capture_output=True,
                           text=True)
        if r.returncode != 0 or "--walk-only" not in r.stdout + r.stderr:
            self.agent_why = "%s has no sweep command yet" % exe
            return None
        self.agent_help = r.stdout + r.stderr
        return exe

    def lists(self):
        """All regular files (for fadvise) and a sample to verify eviction."""
        files = []
        for d, _, names in os.walk(self.root):
            for n in names:
                p = os.path.join(d, n)
                if os.path.isfile(p) and not os.path.islink(p):
                    files.append(p)
        files.sort()
        big = [p for p in files if os.path.getsize(p) >= 1 << 20]
        sample = sorted(set(files[::700] + big))
        self.filelist = os.path.join(self.tmp, "files.txt")
        self.samplelist = os.path.join(self.tmp, "sample.txt")
        for path, items in ((self.filelist, files), (self.samplelist, sample)):
            with open(path, "w", encoding="utf-8",
                      errors="surrogateescape") as fh:
                fh.write("\n".join(items) + "\n")
        if len(files) != self.man["files"]:
            sys.exit("bench: tree has %d files, manifest says %d; "
                     "regenerate it" % (len(files), self.man["files"]))

    def warm(self):
        subprocess.run("find '%s' -type f -print0 | xargs -0 -P%d cat "
                       ">/dev/null" % (self.root, NPROC), shell=True,
                       check=True)

    def evict(self):
        r = subprocess.run([sys.executable, os.path.join(HERE, "evict.py"),
                            "--method", self.a.evict, self.filelist,
                            self.samplelist], capture_output=True, text=True,
                           check=True)
        e = json.loads(r.stdout)
        self.evictions.append(e)
        return e

    def measure(self, case, mode, tool, cmd, check, rep):
        out = os.path.join(self.tmp, "out")
        err = os.path.join(self.tmp, "err")
        ev = self.evict() if mode == "cold" else None
        load = os.getloadavg()[0]
        r = subprocess.run([sys.executable, os.path.join(HERE, "measure.py"),
                            "--out", out, "--err", err, "--"] + cmd,
                           capture_output=True, text=True, check=True)
        m = json.loads(r.stdout)
        try:
            ok, note = check(out)
        except (OSError, ValueError, KeyError) as e:
            ok, note = False, "check failed: %s" % e
        with open(err, encoding="utf-8", errors="replace") as fh:
            errtext = fh.read()[-400:]
        if not ok and errtext:
            note += " | stderr: " + errtext.strip().replace("\n", " / ")
        m.update(case=case, mode=mode, tool=tool, rep=rep, ok=ok, note=note,
                 load1=load, cmd=" ".join(cmd))
        if ev:
            m["evict"] = ev
        self.results.append(m)
        print("  %-6s %-4s %-22s %8.2f s  %7.1f MB  %s%s" % (
            case, mode, tool, m["wall"], m["maxrss_kb"] / 1024.0,
            "ok" if ok else "FAIL", "" if ok else " (" + note + ")"),
            flush=True)
        return m

    # -- correctness checks: (ok, note) ---------------------------------

    def abspath(self, rel):
        return os.path.join(self.root, rel)

    def check_sha256sum(self, out):
        seen, n = set(), 0
        with open(out, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                n += 1
                h, _, p = line.rstrip("\n").partition("  ")
                seen.add((h, p))
        want = {(x["sha256"], self.abspath(x["path"]))
                for x in self.man["planted_sha256"]}
        miss = want - seen
        if n != self.man["files"] or miss:
            return False, "%d lines (want %d), %d planted missing" % (
                n, self.man["files"], len(miss))
        return True, "%d files hashed" % n

    def check_lines(self, out):
        with open(out, "rb") as fh:
            n = sum(1 for _ in fh)
        if n != self.man["files"]:
            return False, "%d files listed, want %d" % (n, self.man["files"])
        return True, "%d files" % n

    def check_yara(self, out):
        with open(out, encoding="utf-8", errors="surrogateescape") as fh:
            lines = [l.rstrip("\n") for l in fh if l.strip()]
        y = self.man["planted_yara"]
        want = "%s %s" % (y["rule"], self.abspath(y["path"]))
        if want not in lines:
            return False, "planted YARA hit missing (%d lines)" % len(lines)
        return True, "%d hits" % len(lines)

    def agent_report(self, out):
        with open(out, encoding="utf-8") as fh:
            doc = json.load(fh)
        paths, seen = set(), []

        def walk(v):
            if isinstance(v, dict):
                if isinstance(v.get("path"), str):
                    paths.add(v["path"])
                if isinstance(v.get("files_seen"), int):
                    seen.append(v["files_seen"])
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(doc)
        return paths, (seen[0] if seen else None)

    def check_agent(self, want, walk_only=False):
        def check(out):
            paths, seen = self.agent_report(self.agent_json)
            if seen != self.man["files"]:
                return False, "files_seen %s, want %d" % (
                    seen, self.man["files"])
            if walk_only:
                return True, "%d files" % seen
            miss = [w for w in want if self.abspath(w) not in paths]
            if miss:
                return False, "missing hits: %s" % ", ".join(miss)
            return True, "%d files, %d hits" % (seen, len(paths))
        return check

    # -- commands --------------------------------------------------------

    def agent_cmd(self, bundle, *extra, exe=None):
        self.agent_json = os.path.join(self.tmp, "agent.json")
        return [exe or self.agent, "sweep", "--rules",
                os.path.join(self.a.dir, bundle), "--quiet", "--json",
                self.agent_json] + list(extra) + [self.root]

    def planted_hash(self):
        return [x["path"] for x in self.man["planted_sha256"]]

    def case_tools(self, case):
        """[(tool, cmd, check)] for one case; the agent first."""
        R, t = self.root, []
        if case in ("hash", "sized"):
            b = "bundle-sha256.json" if case == "hash" else \
                "bundle-sha256-sized.json"
            if self.agent:
                t.append(("agent", self.agent_cmd(b, "--no-cache"),
                          self.check_agent(self.planted_hash())))
            if self.agent and self.a.agent_base:
                t.append((BASE, self.agent_cmd(
                    b, "--no-cache", exe=self.a.agent_base),
                    self.check_agent(self.planted_hash())))
            if case == "hash":
                t.append(("sha256sum", ["sh", "-c",
                          "find '%s' -type f -print0 | xargs -0 -P%d "
                          "sha256sum" % (R, NPROC)], self.check_sha256sum))
        elif case == "walk":
            if self.agent:
                t.append(("agent", self.agent_cmd(
                    "bundle-sha256.json", "--no-cache", "--walk-only"),
                    self.check_agent([], True)))
            t.append(("fdfind", ["fdfind", "-HI", "-tf", ".", R],
                      self.check_lines))
            t.append(("fdfind -S (stat)", ["fdfind", "-HI", "-tf", "-S",
                      "-100gi", ".", R], self.check_lines))
            t.append(("find", ["find", R, "-type", "f"], self.check_lines))
            t.append(("find -printf (stat)", ["find", R, "-type", "f",
                      "-printf", "%s %T@ %p\\n"], self.check_lines))
        elif case == "yara":
            y = self.man["planted_yara"]
            if self.agent:
                t.append(("agent", self.agent_cmd(
                    "bundle-yara.json", "--no-cache"),
                    self.check_agent([y["path"]])))
            if self.agent and self.a.agent_base:
                t.append((BASE, self.agent_cmd(
                    "bundle-yara.json", "--no-cache",
                    exe=self.a.agent_base), self.check_agent([y["path"]])))
            rules = os.path.join(os.environ.get(
                "RAMPART_SHARED_DATA", "/work/shared/data"),
                "3cx", "volexity-rules.yar")
            # The agent YARA-scans files up to 32 MiB by default
            # (--yara-max-size); yara is given the same limit (-z).  The
            # agent scans in YARA's fast mode, as yara -f does.
            peer = ["yara", "-r", "-N", "-p", str(NPROC), "-z",
                    str(YARA_MAX)]
            t.append(("yara -f", peer[:2] + ["-f"] + peer[2:] + [rules, R],
                      self.check_yara))
            t.append(("yara", peer + [rules, R], self.check_yara))
        return t

    def run_case(self, case, mode):
        tools = self.case_tools(case)
        if self.a.agents_only:
            tools = [t for t in tools if t[0] in ("agent", BASE)]
        if not tools:
            return
        print("-- %s, %s" % (case, mode), flush=True)
        if mode == "warm":
            self.warm()
        for rep in range(self.a.reps):
            order = tools if rep % 2 == 0 else tools[::-1]
            for tool, cmd, check in order:
                self.measure(case, mode, tool, cmd, check, rep)

    def run_repeat(self, mode):
        if not self.agent:
            return
        print("-- repeat, %s" % mode, flush=True)
        cache = os.path.join(self.a.dir, "sweep-cache.bin")
        check = self.check_agent(self.planted_hash())
        if mode == "warm":
            self.warm()
        for rep in range(self.a.reps):
            if os.path.exists(cache):
                os.unlink(cache)
            cmd = self.agent_cmd("bundle-sha256.json", "--cache", cache)
            self.measure("repeat", mode, "first", cmd, check, rep)
            self.measure("repeat", mode, "repeat", cmd, check, rep)
        for f in (cache, cache + ".lock"):  # the agent's lock file too
            if os.path.exists(f):
                os.unlink(f)

    def run(self):
        for case in self.a.cases:
            for mode in self.a.modes:
                if case == "repeat":
                    self.run_repeat(mode)
                else:
                    self.run_case(case, mode)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def summary(results):
    groups = {}
    for r in results:
        groups.setdefault((r["case"], r["mode"], r["tool"]), []).append(r)
    rows = {}
    for k, rs in groups.items():
        w = [r["wall"] for r in rs]
        cpu = [r["user"] + r["sys"] for r in rs]
        rows[k] = {"median": statistics.median(w), "min": min(w),
                   "cpu": statistics.median(cpu),
                   "rss_mb": max(r["maxrss_kb"] for r in rs) / 1024.0,
                   "ok": all(r["ok"] for r in rs), "n": len(rs)}
    return rows


def ratio_rows(case, mode, rows):
    """[(text, verdict)]: the agent against each peer of the case."""
    out = []
    if case == "repeat":
        f, r = rows.get((case, mode, "first")), rows.get((case, mode,
                                                          "repeat"))
        if f and r:
            x = f["median"] / r["median"]
            want = GOALS[case][1]
            out.append(("first/repeat %.1f×" % x, "met" if x >= want else
                        "MISSED by %.1f× (want ≥ %g×)" % (want / x, want)))
        return out
    a = rows.get((case, mode, "agent"))
    if not a:
        return out
    peers = [(t, r) for (c, m, t), r in sorted(rows.items())
             if c == case and m == mode and t != "agent"]
    if case == "sized":
        peers = [(t, r) for t, r in peers if t == BASE]
        peers += [("sha256sum", rows[("hash", mode, "sha256sum")])] \
            if ("hash", mode, "sha256sum") in rows else []
    goal = GOALS.get(case)
    for t, r in peers:
        x = a["median"] / r["median"]
        verdict = ""
        if t == BASE:
            # Wall time alone flatters the agent on a loaded machine (its
            # children get a larger share of the CPU); CPU time counts
            # the child's work and the messages.  Judged on the worse.
            y = a["cpu"] / r["cpu"]
            worst = max(x, y)
            out.append(("agent/%s %.2f× wall, %.2f× CPU" % (t, x, y),
                        "met" if worst <= BASE_GOAL else
                        "MISSED by %.2f× (want ≤ %g×)" % (
                            worst / BASE_GOAL, BASE_GOAL)))
            continue
        if goal and goal[0] == t:
            verdict = "met" if x <= goal[1] else \
                "MISSED by %.2f× (want ≤ %g×)" % (x / goal[1], goal[1])
        out.append(("agent/%s %.2f×" % (t, x), verdict))
    return out


def print_table(rows, cases, modes, out):
    p = lambda s="": print(s, file=out)
    p("| case | cache | tool | median s | best s | CPU s | peak RSS MB "
      "| runs ok |")
    p("|---|---|---|---:|---:|---:|---:|---|")
    for case in cases:
        for mode in modes:
            for (c, m, tool), r in sorted(rows.items()):
                if c == case and m == mode:
                    p("| %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s |" % (
                        c, m, tool, r["median"], r["min"], r["cpu"],
                        r["rss_mb"],
                        "%d/%d" % (r["n"], r["n"]) if r["ok"] else "FAIL"))
    p()
    p("| case | cache | ratio (medians) | goal |")
    p("|---|---|---|---|")
    for case in cases:
        for mode in modes:
            for txt, verdict in ratio_rows(case, mode, rows):
                p("| %s | %s | %s | %s |" % (case, mode, txt, verdict))
    rss = {}
    for (c, m, t), r in rows.items():
        if t in ("agent", "first", "repeat"):
            rss[c] = max(rss.get(c, 0.0), r["rss_mb"])
    if rss:
        p()
        p("| case | agent peak RSS MB | goal < %g MB |" % RSS_GOAL_MB)
        p("|---|---:|---|")
        for c in cases:
            if c in rss:
                p("| %s | %.1f | %s |" % (c, rss[c], "met" if rss[c] <
                  RSS_GOAL_MB else "MISSED by %.1f×" % (rss[c] /
                                                        RSS_GOAL_MB)))


def machine():
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    ver = lambda c: subprocess.run(c, capture_output=True, text=True
                                   ).stdout.split("\n")[0].strip()
    return {"cpu": cpu, "nproc": NPROC, "mem_gib": round(mem / 2 ** 30, 1),
            "kernel": platform.release(),
            "yara": ver(["yara", "--version"]),
            "fdfind": ver(["fdfind", "--version"]),
            "find": ver(["find", "--version"]),
            "sha256sum": ver(["sha256sum", "--version"])}


def main():
    ap = argparse.ArgumentParser(description="agent sweep benchmark")
    ap.add_argument("--build", default="build")
    ap.add_argument("--dir", default="/work/bench-tree")
    ap.add_argument("--agent", help="rampart-agent to measure "
                    "(default BUILD/src/agent/rampart-agent)")
    ap.add_argument("--agent-base", help="an earlier rampart-agent run "
                    "beside the agent in the hash, sized and yara cases")
    ap.add_argument("--agents-only", action="store_true",
                    help="run only the agent and --agent-base, no peers")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--modes", default="warm,cold")
    ap.add_argument("--evict", choices=["auto", "drop", "fadvise"],
                    default="auto")
    ap.add_argument("--results", help="raw results as JSON (default "
                    "DIR/results/sweep-TIME.json)")
    ap.add_argument("--table", metavar="RESULTS_JSON",
                    help="only print the tables of an earlier run's raw "
                    "results")
    a = ap.parse_args()
    if a.table:
        with open(a.table, encoding="utf-8") as fh:
            runs = json.load(fh)["runs"]
        cases = [c for c in CASES if any(r["case"] == c for r in runs)]
        modes = [m for m in ("warm", "cold")
                 if any(r["mode"] == m for r in runs)]
        print_table(summary(runs), cases, modes, sys.stdout)
        return 0
    a.cases = [c for c in a.cases.split(",") if c]
    a.modes = [m for m in a.modes.split(",") if m]
    bad = [c for c in a.cases if c not in CASES] + \
        [m for m in a.modes if m not in ("warm", "cold")]
    if bad:
        sys.exit("bench: unknown case or mode: %s" % ", ".join(bad))
    b = Bench(a)
    info = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_before": os.getloadavg(), "machine": machine(),
            "tree": {k: b.man[k] for k in ("files", "bytes", "dirs",
                                           "symlinks", "files_by_size")},
            "agent": b.agent or ("not measured: " + b.agent_why),
            "agent_base": a.agent_base}
    print("== sweep: %d files, %.2f GB, %d dirs; agent: %s; %d reps, "
          "median reported" % (b.man["files"], b.man["bytes"] / 1e9,
                               b.man["dirs"], info["agent"], a.reps))
    try:
        b.run()
    finally:
        b.close()
    info["load_after"] = os.getloadavg()
    info["evict_methods"] = sorted({e["method"] for e in b.evictions})
    info["evict_max_resident_pct"] = max(
        [e["resident_pct"] for e in b.evictions] or [0])
    rows = summary(b.results)
    print()
    print_table(rows, a.cases, a.modes, sys.stdout)
    if info["evict_methods"]:
        print("\ncold = %s before each run (largest share of the sample "
              "still resident after eviction: %.2f%%)" % (
                  ", ".join(info["evict_methods"]),
                  info["evict_max_resident_pct"]))
    print("load average %.2f before, %.2f after" % (
        info["load_before"][0], info["load_after"][0]))
    path = a.results or os.path.join(
        a.dir, "results", "sweep-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"info": info, "runs": b.results}, fh, indent=1)
    print("raw results: %s" % path)
    return 0 if all(r["ok"] for r in b.results) else 1


if __name__ == "__main__":
    sys.exit(main())
