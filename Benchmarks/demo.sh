#!/usr/bin/env bash
# roost-demo under wrk, embedded defaults against Redis + MariaDB, in one run:
#   read   — GET /products/:id: one product through the tiered cache (local tier hit)
#   order  — POST /orders on one product with a huge stock, a new client token per request:
#            the product's lock, a transaction decrementing stock and storing the order,
#            the cache invalidation and the OrderPlaced event
#   embedded — `roost-demo` as a newcomer starts it: SQLite under .roost/, locks, events,
#              caches and rate limits in the process
#   redis-mariadb — ROOST_REDIS_URL and ROOST_DATABASE_URL (MariaDB) set: what several
#                   instances would share
# One instance each, access log off, the write rate limit raised out of the way.
# Reports requests per second, the p99 latency wrk measured and the requests that did
# not answer 2xx.
# Usage (through the runner): scripts/bench demo [CONNECTIONS] [SECONDS]
set -euo pipefail
ROOT="$1"
CONNECTIONS="${2:-32}"
SECONDS_PER_RUN="${3:-10}"
source "$ROOT/scripts/lib/bench.sh"
trap 'roost_bench_stop_all; roost_stop_servers' EXIT

roost_bench_need wrk wrk curl curl
roost_install_servers
demo="$(roost_bench_build "$ROOT" roost-demo)"
roost_start_redis
roost_start_mariadb
roost_new_dir demo
work="$ROOST_NEW_DIR"
logs="$ROOT/.bench/logs"
mkdir -p "$logs"

# Runs wrk after a warm-up and prints "REQUESTS_PER_SECOND P99_MILLISECONDS NON_2XX".
wrk_run() {
    wrk -t1 -c"$CONNECTIONS" -d2s "$@" >/dev/null 2>&1 || true  # warm-up
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" | awk '
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        $1 == "99%" { v = $2; ms = v + 0
            if (v ~ /us$/) ms = ms / 1000; else if (v ~ /ms$/) ms = ms; else if (v ~ /s$/) ms = ms * 1000
            p99 = ms }
        END { printf "%s %.3f %d\n", rps, p99, bad }'
}

# Measures one configuration: measure NAME [VARIABLE=VALUE ...]; prints
# "READ_RPS READ_P99 READ_BAD ORDER_RPS ORDER_P99 ORDER_BAD".
measure() {
    local name="$1" port base product read order
    shift
    port="$(roost_free_port)"
    base="http://127.0.0.1:$port"
    mkdir -p "$work/$name"
    roost_bench_start "$base/ready" "$logs/demo-$name.log" env -C "$work/$name" \
        ROOST_HTTP_PORT="$port" ROOST_HTTP_ACCESS_LOG=false ROOST_LOGGING_LEVEL=warning \
        ROOST_DEMO_WRITES_PER_MINUTE=1000000 "$@" "$demo"
    product="$(curl -fsS -H 'content-type: application/json' \
        -d '{"name":"Bench tea","price_cents":100,"stock":1000000000}' "$base/products" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["id"])')"
    roost_log "wrk demo $name: GET /products/$product (${CONNECTIONS} connections, ${SECONDS_PER_RUN}s)"
    read="$(wrk_run "$base/products/$product")"
    roost_log "wrk demo $name: POST /orders"
    order="$(ROOST_BENCH_PRODUCT="$product" ROOST_BENCH_RUN="$name-$$-$RANDOM" \
        wrk_run -s "$ROOT/Benchmarks/demo-orders.lua" "$base/orders")"
    roost_bench_stop_all
    echo "$read $order"
}

read -r e_read e_read_p99 e_read_bad e_order e_order_p99 e_order_bad <<<"$(measure embedded)"
read -r r_read r_read_p99 r_read_bad r_order r_order_p99 r_order_bad <<<"$(measure redis-mariadb \
    ROOST_REDIS_URL="$ROOST_TEST_REDIS_URL" ROOST_DATABASE_URL="$ROOST_TEST_MYSQL_URL")"

cat <<JSON
{"name": "demo", "unit": "req/s",
 "config": {"connections": $CONNECTIONS, "seconds": $SECONDS_PER_RUN, "wrk_threads": 1, "cpus": $(nproc),
            "read": "GET /products/:id", "order": "POST /orders, quantity 1, new client token each"},
 "results": {"embedded": {"read": $e_read, "order": $e_order},
             "redis-mariadb": {"read": $r_read, "order": $r_order},
             "p99_ms": {"embedded": {"read": $e_read_p99, "order": $e_order_p99},
                        "redis-mariadb": {"read": $r_read_p99, "order": $r_order_p99}},
             "non_2xx": {"embedded": {"read": $e_read_bad, "order": $e_order_bad},
                         "redis-mariadb": {"read": $r_read_bad, "order": $r_order_bad}}}}
JSON
