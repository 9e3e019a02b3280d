# Fixture of scripts/lint-checks.py: lines marked "reject" are flagged.
import time

t = time.monotonic()
run()
assert time.monotonic() - t < 5.0  # reject
elapsed = time.perf_counter() - t
if elapsed > 2:  # reject
    fail()
# benign: a duration printed, a timeout handed to a call, counts compared
print("%.6f" % (time.monotonic() - t))
p.wait(timeout=delay)
assert count < 10
