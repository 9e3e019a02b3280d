#!/usr/bin/env python3
"""scripts/gen-web.py refuses each template in DATA/*.html with the
message its first line names ({{! expect: ...}}), and compiles DATA/good.

usage: gen_refusals.py GEN_WEB DATA"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(gen, tdir, po, out):
    sdir = tempfile.mkdtemp()
    try:
        return subprocess.run([sys.executable, gen, out, tdir, po, sdir],
                              capture_output=True, text=True)
    finally:
        shutil.rmtree(sdir)


def main():
    gen, data = sys.argv[1:3]
    bad = sorted(f for f in os.listdir(data) if f.endswith(".html"))
    if len(bad) < 10:
        sys.exit(f"FAIL: only {len(bad)} refusal cases in {data}")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        po = os.path.join(tmp, "de.po")
        open(po, "w").close()
        for f in bad:
            src = open(os.path.join(data, f)).read()
            want = re.match(r"\{\{! expect: (.*?)\}\}", src).group(1)
            tdir = os.path.join(tmp, f[:-5])
            os.mkdir(tdir)
            shutil.copy(os.path.join(data, f), tdir)
            r = run(gen, tdir, po, os.path.join(tmp, "out.c"))
            if r.returncode == 0 or want not in r.stderr:
                print(f"FAIL {f}: rc={r.returncode}, wanted '{want}' in:"
                      f" {r.stderr.strip()}")
                failures += 1
            else:
                print(f"ok   {f}: {r.stderr.strip()}")
        good = os.path.join(data, "good")
        r = run(gen, good, os.path.join(good, "de.po"),
                os.path.join(tmp, "good.c"))
        if r.returncode != 0:
            print(f"FAIL good: {r.stderr}")
            failures += 1
        else:
            c = open(os.path.join(tmp, "good.c")).read()
            for want in ("TPL_ESC_URL", "TPL_QR", "TPL_EQ", "Rechner"):
                if want not in c:
                    print(f"FAIL good: no {want} in the output")
                    failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
