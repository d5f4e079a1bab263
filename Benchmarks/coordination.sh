#!/usr/bin/env bash
# Redis coordination primitives beside the raw round trips they are built from, measured
# with the same client in one run: an uncontended lock (acquire + release) against SET NX
# plus an EVALSHA delete, and rate-limiter checks against one EVALSHA per check; then the
# event bus's publish → handled latency (p50/p99) and throughput, broadcast and durable.
# Each primitive is measured beside its floor in short alternating pairs (15 rounds by
# default, ROUNDS in the environment); the ratio is the median of the rounds' ratios.
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
for name, label in [("lock", "raw floor (SET NX + EVALSHA)")] + [
        (name, "raw floor (one EVALSHA)") for name in (
            "limiter-fixed-window", "limiter-sliding-window", "limiter-approximate-sliding-window",
            "limiter-token-bucket", "limiter-token-bucket-fractional")]:
    results[name] = {"roost": r[name], label: r[f"{name}-floor"], "ratio": round(r[f"{name}-ratio"], 2),
                     "roost, per connection": apart[name], f"{label}, per connection": apart[f"{name}-floor"],
                     "ratio, per connection": round(apart[f"{name}-ratio"], 2)}
for mode in ("broadcast", "durable"):
    results[f"bus-{mode}"] = {"p50 latency (µs)": r[f"bus-{mode}-p50-us"], "p99 latency (µs)": r[f"bus-{mode}-p99-us"],
                              "events/s": r[f"bus-{mode}-events-per-second"]}
print(json.dumps({"name": "coordination", "unit": "ops/s",
                  "config": {"clients": int(sys.argv[3]), "iterations_per_client": int(sys.argv[4])},
                  "results": results}))
PY
