#!/usr/bin/env python3
"""Every key of rampartd's configuration table (src/server/conf/conf.c)
is documented in docs/rampartd.8 (under its [section]) and in the table
of docs/server.md, and every flag is in the man page's OPTIONS."""
import os
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
conf = open(os.path.join(root, "src/server/conf/conf.c")).read()
man = open(os.path.join(root, "docs/rampartd.8")).read()
guide = open(os.path.join(root, "docs/server.md")).read()

keys = re.findall(r'\{"(\w+)", "(\w+)", K_\w+, F\([\w.]+\)[^}]*?(?:"(--[\w-]+)"|NULL)\}',
                  conf, re.S)
bad = []
if len(keys) < 20:
    bad.append(f"only {len(keys)} keys read from conf.c")
sections = re.split(r"^\.SS \[(\w+)\]$", man, flags=re.M)
by_section = {sections[i]: sections[i + 1] for i in range(1, len(sections), 2)}
for section, name, flag in keys:
    text = by_section.get(section, "")
    if not re.search(rf"^\.BR? .*\b{name}\b", text, re.M):
        bad.append(f"rampartd.8: [{section}] {name} not documented")
    if f"`{section}.{name}`" not in guide:
        bad.append(f"server.md: `{section}.{name}` not in the table")
    roff = flag.replace("-", "\\-")
    if flag and not re.search(r"^\.BI? " + re.escape(roff) + r"(\s|$)",
                              man, re.M):
        bad.append(f"rampartd.8: flag {flag} not in OPTIONS")
for b in bad:
    print("FAIL: " + b, file=sys.stderr)
print(f"{len(keys)} keys checked")
sys.exit(1 if bad else 0)
