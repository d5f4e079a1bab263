"""Prints the tests a Swift Testing log shows as started but not finished.

Used by scripts/test when the run exceeds its time limit: the names it prints are the
tests that hung. Usage: python3 pending-tests.py LOG
"""
import re
import sys

STARTED = re.compile(r"◇ (?:Test|Suite) (.+?) started\.")
FINISHED = re.compile(r"[✔✘] (?:Test|Suite) (.+?)(?: with \d+ test cases?)? (?:passed|failed|skipped)")

started, finished = [], set()
with open(sys.argv[1], errors="replace") as log:
    for line in log:
        if "Test case passing" in line:
            continue
        if match := STARTED.search(line):
            started.append(match.group(1))
        elif match := FINISHED.search(line):
            finished.add(match.group(1))
for name in started:
    if name not in finished and name != "run":
        print(f"    {name}")
