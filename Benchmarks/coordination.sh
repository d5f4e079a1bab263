#!/usr/bin/env bash
# Redis coordination primitives beside the raw round trips they are built from, measured
# with the same client in one run: an uncontended lock (acquire + release) against SET NX
# plus an EVALSHA delete, and rate-limiter checks against one EVALSHA per check; then the
# event bus's publish → handled latency (p50/p99) and throughput, broadcast and durable.
# Every client task sends through one RedisConnectionPool (its shared connections), as a
# service gives its locks and limiters their client; `bench-coordination URL CLIENTS
# ITERATIONS connections` gives each task a connection of its own instead.
# Usage (through the runner): scripts/bench coordination [CLIENTS] [ITERATIONS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-16}"
ITERATIONS="${3:-5000}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_stop_servers EXIT

roost_install_servers
roost="$(roost_bench_build "$ROOT/Benchmarks" bench-coordination)"
roost_start_redis
out="$("$roost" "$ROOST_TEST_REDIS_URL" "$CLIENTS" "$ITERATIONS")"

python3 - "$out" "$CLIENTS" "$ITERATIONS" <<'PY'
import json
import sys

r = json.loads(sys.argv[1])
results = {"lock": {"roost": r["lock"], "raw floor (SET NX + EVALSHA)": r["lock-floor"],
                    "ratio": round(r["lock"] / r["lock-floor"], 2)}}
for name in ("limiter-fixed-window", "limiter-sliding-window", "limiter-approximate-sliding-window", "limiter-token-bucket",
             "limiter-token-bucket-fractional"):
    results[name] = {"roost": r[name], "raw floor (one EVALSHA)": r["limiter-floor"],
                     "ratio": round(r[name] / r["limiter-floor"], 2)}
for mode in ("broadcast", "durable"):
    results[f"bus-{mode}"] = {"p50 latency (µs)": r[f"bus-{mode}-p50-us"], "p99 latency (µs)": r[f"bus-{mode}-p99-us"],
                              "events/s": r[f"bus-{mode}-events-per-second"]}
print(json.dumps({"name": "coordination", "unit": "ops/s",
                  "config": {"clients": int(sys.argv[2]), "iterations_per_client": int(sys.argv[3])},
                  "results": results}))
PY
