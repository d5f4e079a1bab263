"""Prints the tests a Swift Testing log shows as started but not finished.

Used by scripts/test when the run exceeds its time limit: the names it prints are the
tests that hung. Two suites may hold tests of the same name, so names are counted, not
merely collected. Usage: python3 pending-tests.py LOG
"""
import collections
import re
import sys

STARTED = re.compile(r"◇ (?:Test|Suite) (.+?) started\.$")
# The outcome is anchored to what follows it, so that a name containing "failed" or
# "passed" is read whole.
FINISHED = re.compile(
    r"[✔✘➜] (?:Test|Suite) (.+?)(?: with \d+ test cases?)? "
    r"(?:(?:passed|failed) after [\d.]+ seconds|skipped)"
)

open_tests = collections.Counter()
order = []
with open(sys.argv[1], errors="replace") as log:
    for line in log:
        line = line.rstrip("\n")
        if "Test case passing" in line:
            continue
        if match := STARTED.search(line):
            name = match.group(1)
            open_tests[name] += 1
            order.append(name)
        elif match := FINISHED.search(line):
            open_tests[match.group(1)] -= 1
for name in dict.fromkeys(order):
    for _ in range(max(open_tests[name], 0)):
        if name != "run":
            print(f"    {name}")
