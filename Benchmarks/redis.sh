#!/usr/bin/env bash
# SET and GET throughput: Roost's RedisConnection, redis-benchmark (C) and redis-py's
# asyncio client, 50 clients, pipeline depth 1 and 16, against one redis-server.
# Usage (through the runner): scripts/bench redis [CLIENTS] [REQUESTS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-50}"
REQUESTS="${3:-200000}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_stop_servers EXIT

roost_install_servers
roost_bench_venv "$ROOT" "redis==5.2.*"
py="$ROOT/.bench/venv/bin/python"
roost="$(roost_bench_build "$ROOT/Benchmarks" bench-redis)"
roost_start_redis
url="$ROOST_TEST_REDIS_URL"
port="${url##*:}"
benchmark="$(roost_find_binary redis-benchmark)"

ops() { python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ops_per_second"]))'; }
c_bench() {  # redis-benchmark's requests per second for one test at one depth
    "$benchmark" -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$REQUESTS" -P "$2" -t "$1" --csv -q \
        | awk -F'","' 'NR==2 { print int($2) }'
}

results=""
for depth in 1 16; do
    for op in set get; do
        roost_log "$op, pipeline $depth"
        r="$("$roost" "$url" "$CLIENTS" "$depth" "$REQUESTS" "$op" | ops)"
        c="$(c_bench "$op" "$depth")"
        p="$("$py" "$ROOT/Benchmarks/peers/redis_py.py" "$url" "$CLIENTS" "$depth" $((REQUESTS / 4)) "$op" | ops)"
        results+="${results:+, }\"$op-p$depth\": {\"roost\": $r, \"redis-benchmark\": $c, \"redis-py\": $p}"
    done
done

cat <<JSON
{"name": "redis", "unit": "ops/s", "config": {"clients": $CLIENTS, "requests": $REQUESTS, "payload_bytes": 3},
 "results": {$results}}
JSON
