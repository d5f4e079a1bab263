#!/usr/bin/env bash
# Redis coordination primitives beside the raw round trips they are built from, measured
# with the same client in one run: an uncontended lock (acquire + release) against SET NX
# plus an EVALSHA delete; rate-limiter checks against one EVALSHA per check of the
# limiter's own script, and against the cheapest script (one INCR); then the event bus's
# publish → handled latency (p50/p99) and throughput, broadcast and durable.
# Each primitive is measured beside its floors in short alternating runs (15 rounds by
# default, ROUNDS in the environment); a ratio is the median of the rounds' ratios.
# Two runs: every client task sending through one RedisConnectionPool (its shared
# connections), as a service gives its locks and limiters their client; then each task
# on a connection of its own ("per connection").
# Usage (through the runner): scripts/bench coordination [CLIENTS] [ITERATIONS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-16}"
ITERATIONS="${3:-1000}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_stop_servers EXIT

roost_install_servers
roost="$(roost_bench_build "$ROOT/Benchmarks" bench-coordination)"
roost_start_redis
out="$("$roost" "$ROOST_TEST_REDIS_URL" "$CLIENTS" "$ITERATIONS" pool)"
apart="$("$roost" "$ROOST_TEST_REDIS_URL" "$CLIENTS" "$ITERATIONS" connections)"

python3 - "$out" "$apart" "$CLIENTS" "$ITERATIONS" <<'PY'
import json
import sys

r, apart = json.loads(sys.argv[1]), json.loads(sys.argv[2])
results = {}
limiters = ("limiter-fixed-window", "limiter-sliding-window", "limiter-approximate-sliding-window",
            "limiter-token-bucket", "limiter-token-bucket-fractional")
for name, floors in [("lock", [("", "raw floor (SET NX + EVALSHA)")])] + [
        (name, [("", "raw floor (one EVALSHA of its script)"), ("-incr", "INCR script")]) for name in limiters]:
    results[name] = {"roost": r[name], "roost, per connection": apart[name]}
    for suffix, label in floors:
        ratio = "ratio" if suffix == "" else f"ratio to the {label}"
        results[name].update({label: r[f"{name}{suffix}-floor"], ratio: round(r[f"{name}{suffix}-ratio"], 2),
                              f"{label}, per connection": apart[f"{name}{suffix}-floor"],
                              f"{ratio}, per connection": round(apart[f"{name}{suffix}-ratio"], 2)})
for mode in ("broadcast", "durable"):
    results[f"bus-{mode}"] = {"p50 latency (µs)": r[f"bus-{mode}-p50-us"], "p99 latency (µs)": r[f"bus-{mode}-p99-us"],
                              "events/s": r[f"bus-{mode}-events-per-second"]}
print(json.dumps({"name": "coordination", "unit": "ops/s",
                  "config": {"clients": int(sys.argv[3]), "iterations_per_client": int(sys.argv[4])},
                  "results": results}))
PY
