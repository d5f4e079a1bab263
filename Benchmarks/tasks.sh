#!/usr/bin/env bash
# Tasks benchmark: Roost's bench-tasks beside croniter (PyPI), same cron mix, same run.
#
#   Benchmarks/tasks.sh REPO_ROOT [ROUNDS]
#
# Both sides chain 2,000 next fire dates for each of ten cron expressions in UTC and report
# next dates per second; their checksums (sum of each chain's last date) must agree, so
# both computed the same dates. Roost also reports the time a SingleFlight and a
# ConcurrencyLimiter add to one bare `await` (no contention). The two programs alternate
# for ROUNDS rounds (default 3) and the median of each metric is reported.
# Prints one JSON object on stdout; build and install output goes to stderr.
set -euo pipefail

root="${1:?usage: tasks.sh REPO_ROOT [ROUNDS]}"
rounds="${2:-3}"
cd "$root"

source "$root/scripts/lib/bench.sh"
venv="$root/.bench/venv"
roost_bench_venv "$root" 'croniter>=6'
roost_bin="$(roost_bench_build "$root/Benchmarks" bench-tasks)"

roost_runs=()
peer_runs=()
for _ in $(seq 1 "$rounds"); do
    roost_runs+=("$("$roost_bin")")
    peer_runs+=("$("$venv/bin/python" Benchmarks/peers/tasks_croniter.py)")
done

python3 - "$rounds" "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("croniter"))')" \
    "${roost_runs[@]}" "${peer_runs[@]}" <<'PY'
import json
import statistics
import sys

rounds = int(sys.argv[1])
croniter_version = sys.argv[2]
runs = [json.loads(text) for text in sys.argv[3:]]
roost, peer = runs[:rounds], runs[rounds:]

checksums = {run["cron_checksum"] for run in runs}
if len(checksums) != 1:
    sys.exit(f"error: Roost and croniter computed different dates (checksums {sorted(checksums)})")


def medians(samples):
    return {
        key: round(statistics.median(s[key] for s in samples), 1)
        for key in samples[0] if key != "cron_checksum"
    }


results = {"roost": medians(roost), "croniter": medians(peer)}
results["roost"]["cron_speedup_vs_croniter"] = round(
    results["roost"]["cron_next_per_s"] / results["croniter"]["cron_next_per_s"], 1)
print(json.dumps({
    "name": "tasks",
    "unit": "cron next dates/s; ns per call",
    "config": {"expressions": 10, "next_per_expression": 2000, "time_zone": "UTC",
               "overhead_calls": 1000000, "croniter": croniter_version, "rounds": rounds},
    "results": results,
}, ensure_ascii=False))
PY
