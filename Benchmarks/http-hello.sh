#!/usr/bin/env bash
# GET /health under wrk: bare Hummingbird, roost-demo, FastAPI+uvicorn, tornado.
# No server logs each request (roost-demo runs with --access-log false, uvicorn without
# its access log), so the numbers compare request handling, not logging.
# Usage (through the runner): scripts/bench http-hello [CONNECTIONS] [SECONDS]
set -euo pipefail
ROOT="$1"
CONNECTIONS="${2:-50}"
SECONDS_PER_RUN="${3:-10}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_bench_stop_all EXIT

roost_bench_need wrk wrk curl curl
roost_bench_venv "$ROOT" "fastapi==0.115.*" "uvicorn==0.32.*" "tornado==6.4.*"
py="$ROOT/.bench/venv/bin/python"
hello="$(roost_bench_build "$ROOT/Benchmarks" bench-http-hello)"
demo="$(roost_bench_build "$ROOT" roost-demo)"
logs="$ROOT/.bench/logs"
mkdir -p "$logs"

measure() {
    local name="$1" port
    shift
    port="$(roost_free_port)"
    roost_bench_start "http://127.0.0.1:$port/health" "$logs/$name.log" "$@" "$port"
    roost_log "wrk $name (${CONNECTIONS} connections, ${SECONDS_PER_RUN}s)"
    roost_bench_wrk "http://127.0.0.1:$port/health" "$CONNECTIONS" "$SECONDS_PER_RUN"
    roost_bench_stop_all
}

hummingbird="$(measure hummingbird "$hello")"
roost="$(measure roost-demo "$demo" --access-log false --host 127.0.0.1 --port)"
fastapi="$(measure fastapi "$py" "$ROOT/Benchmarks/peers/http_fastapi.py")"
tornado="$(measure tornado "$py" "$ROOT/Benchmarks/peers/http_tornado.py")"

cat <<JSON
{"name": "http-hello", "unit": "req/s",
 "config": {"connections": $CONNECTIONS, "seconds": $SECONDS_PER_RUN, "wrk_threads": 1, "path": "/health"},
 "results": {"roost-demo": $roost, "hummingbird": $hummingbird, "fastapi-uvicorn": $fastapi, "tornado": $tornado}}
JSON
