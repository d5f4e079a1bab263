#!/usr/bin/env bash
# Scope benchmark: Roost's bench-scope beside asyncscope 0.12, same shape, same run.
#
#   Benchmarks/scope.sh REPO_ROOT [ROUNDS]
#
# Both sides build a tree of 1,111 services (fan-out 10, depth 3), start it and tear it
# down, and time 10,000 re-acquires (acquire + release) of a running service. Each program
# reports medians over runs that span a similar time: asyncscope over 5 (a tree takes it
# 130-230 ms), Roost over 101 trees and 51 re-acquire runs (a tree takes it a few ms).
# The two programs alternate for ROUNDS rounds (default 3) so that both see the same
# machine load, and the median of each metric is reported.
# Prints one JSON object on stdout; build and install output goes to stderr.
set -euo pipefail

root="${1:?usage: scope.sh REPO_ROOT [ROUNDS]}"
rounds="${2:-3}"
cd "$root"

source "$root/scripts/lib/bench.sh"
venv="$root/.bench/venv"
roost_bench_venv "$root" 'asyncscope==0.12.*'
roost_bin="$(roost_bench_build "$root/Benchmarks" bench-scope)"

roost_runs=()
peer_runs=()
for _ in $(seq 1 "$rounds"); do
    roost_runs+=("$("$roost_bin")")
    peer_runs+=("$("$venv/bin/python" Benchmarks/peers/scope_asyncscope.py)")
done

python3 - "$rounds" "${roost_runs[@]}" "${peer_runs[@]}" <<'PY'
import json
import statistics
import sys

rounds = int(sys.argv[1])
runs = [json.loads(text) for text in sys.argv[2:]]


def medians(samples):
    return {key: round(statistics.median(s[key] for s in samples), 3) for key in samples[0]}


print(json.dumps({
    "name": "scope",
    "unit": "ms / µs",
    "config": {"services": 1111, "fan_out": 10, "depth": 3, "reacquires": 10000, "rounds": rounds},
    "results": {"roost": medians(runs[:rounds]), "asyncscope": medians(runs[rounds:])},
}, ensure_ascii=False))
PY
