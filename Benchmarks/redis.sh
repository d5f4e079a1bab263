#!/usr/bin/env bash
# SET and GET throughput: Roost's RedisConnectionPool, redis-benchmark (C) and redis-py's
# asyncio client, 50 clients, pipeline depth 1 and 16, against one redis-server.
# At depth 1 Roost runs twice: each command through `pool.send`, as redis-py's clients
# send through its pool (roost), and each client holding one connection, as
# redis-benchmark's clients do (roost-held). At depth 16 each client holds a connection
# and sends its pipelines on it.
# REQUESTS commands at depth 1 and ten times as many at depth 16, so that a run lasts
# about as long at both depths (redis-py gets a quarter of each). The three clients
# alternate for ROUNDS rounds, so that all of them see the same drift of the machine's
# speed, and each one's median is reported.
# Usage (through the runner): scripts/bench redis [CLIENTS] [REQUESTS] [ROUNDS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-50}"
REQUESTS="${3:-200000}"
ROUNDS="${4:-3}"
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
c_bench() {  # redis-benchmark's requests per second: TEST DEPTH REQUESTS
    "$benchmark" -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$3" -P "$2" -t "$1" --csv -q \
        | awk -F'","' 'NR==2 { print int($2) }'
}

median() { python3 -c 'import statistics, sys; print(round(statistics.median(float(a) for a in sys.argv[1:])))' "$@"; }

results=""
for depth in 1 16; do
    requests="$REQUESTS"
    if [ "$depth" -gt 1 ]; then requests=$((REQUESTS * 10)); fi
    for op in set get; do
        r=() h=() c=() p=()
        for round in $(seq 1 "$ROUNDS"); do
            roost_log "$op, pipeline $depth, $requests requests, round $round of $ROUNDS"
            if [ "$depth" -eq 1 ]; then
                r+=("$("$roost" "$url" "$CLIENTS" "$depth" "$requests" "$op" send | ops)")
                h+=("$("$roost" "$url" "$CLIENTS" "$depth" "$requests" "$op" held | ops)")
            else
                r+=("$("$roost" "$url" "$CLIENTS" "$depth" "$requests" "$op" held | ops)")
            fi
            c+=("$(c_bench "$op" "$depth" "$requests")")
            p+=("$("$py" "$ROOT/Benchmarks/peers/redis_py.py" "$url" "$CLIENTS" "$depth" $((requests / 4)) "$op" | ops)")
        done
        roost_log "$op, pipeline $depth rounds: roost ${r[*]}; roost-held ${h[*]:-}; redis-benchmark ${c[*]}; redis-py ${p[*]}"
        held=""
        if [ "${#h[@]}" -gt 0 ]; then held=", \"roost-held\": $(median "${h[@]}")"; fi
        results+="${results:+, }\"$op-p$depth\": {\"roost\": $(median "${r[@]}")$held, \"redis-benchmark\": $(median "${c[@]}"), \"redis-py\": $(median "${p[@]}")}"
    done
done

cat <<JSON
{"name": "redis", "unit": "ops/s", "config": {"clients": $CLIENTS, "requests_p1": $REQUESTS, "requests_p16": $((REQUESTS * 10)), "payload_bytes": 3, "rounds": $ROUNDS},
 "results": {$results}}
JSON
