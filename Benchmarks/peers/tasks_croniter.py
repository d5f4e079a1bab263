"""croniter side of the tasks benchmark.

Same mix as bench-tasks: 2,000 chained next dates for each of ten cron expressions, in
UTC, from 2026-01-01 00:00. Prints one JSON object:
{"cron_next_per_s": ..., "cron_checksum": ...}, the median rate over 5 runs; the checksum
(sum of the last date of each chain, in epoch seconds) must equal Roost's. Time is process
CPU time, as on the Roost side, so that other jobs on the machine do not skew the rate.
"""

import json
import statistics
import time
from datetime import datetime, timezone

from croniter import croniter

EXPRESSIONS = [
    "*/5 * * * *", "0 9 * * 1-5", "30 2 1 * *", "0 0 L * *", "0 12 * * 5#2",
    "15,45 8-18 * * *", "0 0 1 1,7 *", "0 6 * * 6,0", "@hourly", "7 3 */2 * *",
]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
NEXT_PER_EXPRESSION = 2_000
RUNS = 5


def once():
    begin = time.process_time()
    checksum = 0
    for expression in EXPRESSIONS:
        iterator = croniter(expression, START)
        date = None
        for _ in range(NEXT_PER_EXPRESSION):
            date = iterator.get_next(datetime)
        checksum += int(date.timestamp())
    return time.process_time() - begin, checksum


def main():
    once()  # warm-up
    total = len(EXPRESSIONS) * NEXT_PER_EXPRESSION
    rates = []
    checksum = 0
    for _ in range(RUNS):
        elapsed, checksum = once()
        rates.append(total / elapsed)
    print(json.dumps({"cron_next_per_s": round(statistics.median(rates), 1), "cron_checksum": checksum}))


if __name__ == "__main__":
    main()
