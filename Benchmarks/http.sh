#!/usr/bin/env bash
# GET /health answering the standard JSON envelope under wrk, in one run:
#   roost        — Roost's default middleware stack (request id, x-timestamp, error
#                  envelope, request timeout, body limit; access log off) + addHealthRoute
#   hummingbird  — bare Hummingbird encoding the same envelope, no middleware
#   fastapi      — FastAPI + uvicorn, the same envelope
#   tornado      — tornado, the same envelope
# No server logs each request, so the numbers compare request handling, not logging.
# Reports requests per second and the p99 latency wrk measured.
# Usage (through the runner): scripts/bench http [CONNECTIONS] [SECONDS]
set -euo pipefail
ROOT="$1"
CONNECTIONS="${2:-32}"
SECONDS_PER_RUN="${3:-10}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_bench_stop_all EXIT

roost_bench_need wrk wrk curl curl
roost_bench_venv "$ROOT" "fastapi==0.115.*" "uvicorn==0.32.*" "tornado==6.4.*"
py="$ROOT/.bench/venv/bin/python"
bench="$(roost_bench_build "$ROOT/Benchmarks" bench-http)"
logs="$ROOT/.bench/logs"
mkdir -p "$logs"

# Prints "REQUESTS_PER_SECOND P99_MILLISECONDS" for one server.
measure() {
    local name="$1" port url
    shift
    port="$(roost_free_port)"
    url="http://127.0.0.1:$port/health"
    roost_bench_start "$url" "$logs/$name.log" "$@" "$port"
    roost_log "wrk $name (${CONNECTIONS} connections, ${SECONDS_PER_RUN}s)"
    wrk -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null 2>&1 || true  # warm-up
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$url" | awk '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "99%" { v = $2; ms = v + 0
            if (v ~ /us$/) ms = ms / 1000; else if (v ~ /ms$/) ms = ms; else if (v ~ /s$/) ms = ms * 1000
            p99 = ms }
        END { printf "%s %.3f\n", rps, p99 }'
    roost_bench_stop_all
}

read -r roost roost_p99 <<<"$(measure roost "$bench" roost)"
read -r bare bare_p99 <<<"$(measure hummingbird "$bench" bare)"
read -r fastapi fastapi_p99 <<<"$(measure fastapi "$py" "$ROOT/Benchmarks/peers/http_fastapi.py")"
read -r tornado tornado_p99 <<<"$(measure tornado "$py" "$ROOT/Benchmarks/peers/http_tornado.py")"
ratio() { python3 -c "print(round($1 / $2, 2))"; }

cat <<JSON
{"name": "http", "unit": "req/s",
 "config": {"connections": $CONNECTIONS, "seconds": $SECONDS_PER_RUN, "wrk_threads": 1, "path": "/health"},
 "results": {"roost": $roost, "hummingbird": $bare, "fastapi-uvicorn": $fastapi, "tornado": $tornado,
             "p99_ms": {"roost": $roost_p99, "hummingbird": $bare_p99, "fastapi-uvicorn": $fastapi_p99, "tornado": $tornado_p99},
             "ratio": {"roost/hummingbird": $(ratio "$roost" "$bare"), "roost/fastapi": $(ratio "$roost" "$fastapi")}}}
JSON
