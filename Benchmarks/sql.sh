#!/usr/bin/env bash
# RoostSQL against the driver underneath it, per engine: point selects and single-row
# inserts (the new id read back) through one DatabaseClient shared by CLIENTS tasks, and
# through CLIENTS raw connections of sqlite-nio, postgres-nio and RoostMySQL running the
# same statements; for the servers also through the driver's own pool (a lease per
# operation, as RoostSQL does); plus PostgreSQL point selects from asyncpg. The Swift sides
# alternate for ROUNDS rounds (default 11), each round starting with the next side, so
# that all of them see the same drift of the machine's speed; each one's median is
# reported. On two cores shared with the server, one run of a side differs from the next
# by a fifth (coefficient of variation 0.1-0.2) however long it runs, so many short runs
# give a steadier median than a few long ones.
# Usage (through the runner): scripts/bench sql [CLIENTS] [SELECTS] [INSERTS] [ROUNDS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-8}"
SELECTS="${3:-10000}"
INSERTS="${4:-4000}"
ROUNDS="${5:-11}"
source "$ROOT/scripts/lib/bench.sh"
trap 'roost_stop_servers; rm -rf "${sqlite_dir:-}"' EXIT

roost_install_servers
roost_bench_venv "$ROOT" "asyncpg==0.30.*"
py="$ROOT/.bench/venv/bin/python"
bench="$(roost_bench_build "$ROOT/Benchmarks" bench-sql)"
roost_start_mariadb
roost_start_postgres
sqlite_dir="$(mktemp -d)"

ops() { python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ops_per_second"]))'; }
median() { python3 -c 'import statistics, sys; print(round(statistics.median(int(a) for a in sys.argv[1:])))' "$@"; }
overhead() { python3 -c 'import sys; r, d = int(sys.argv[1]), int(sys.argv[2]); print(round((d - r) / d * 100, 1))' "$1" "$2"; }

results=""
for engine in sqlite postgres mysql; do
    case "$engine" in
        sqlite) url="sqlite://$sqlite_dir/bench.db" ;;
        postgres) url="$ROOST_TEST_POSTGRES_URL?tls=disable" ;;
        mysql) url="$ROOST_TEST_MYSQL_URL?tls=disable" ;;
    esac
    "$bench" "$url" setup
    for mode in point insert; do
        if [ "$mode" = point ]; then count="$SELECTS"; else count="$INSERTS"; fi
        roost_log "$engine $mode, $CLIENTS clients, $count operations, $ROUNDS rounds"
        raw=() roost=() pool=()
        sides=(raw roost)
        if [ "$engine" != sqlite ]; then sides+=(pool); fi
        for round in $(seq 1 "$ROUNDS"); do
            # Each round starts with the next side, so that no side always runs first.
            for index in "${!sides[@]}"; do
                side="${sides[$(((index + round) % ${#sides[@]}))]}"
                result="$("$bench" "$url" "$CLIENTS" "$count" "$mode" "$side" | ops)"
                case "$side" in
                    raw) raw+=("$result") ;;
                    roost) roost+=("$result") ;;
                    pool) pool+=("$result") ;;
                esac
            done
        done
        roost_log "$engine $mode rounds: roost ${roost[*]}; driver ${raw[*]}; driver pool ${pool[*]:-none}"
        r="$(median "${roost[@]}")"
        d="$(median "${raw[@]}")"
        entry="\"roost\": $r, \"driver\": $d, \"overhead_percent\": $(overhead "$r" "$d")"
        if [ "$engine" != sqlite ]; then
            p="$(median "${pool[@]}")"
            entry+=", \"driver_pool\": $p, \"overhead_vs_pool_percent\": $(overhead "$r" "$p")"
        fi
        if [ "$engine" = postgres ] && [ "$mode" = point ]; then
            a="$("$py" "$ROOT/Benchmarks/peers/sql_asyncpg.py" "$ROOST_TEST_POSTGRES_URL" "$CLIENTS" "$count" | ops)"
            entry+=", \"asyncpg\": $a"
        fi
        results+="${results:+, }\"$engine-$mode\": {$entry}"
    done
done

cat <<JSON
{"name": "sql", "unit": "ops/s", "config": {"clients": $CLIENTS, "selects": $SELECTS, "inserts": $INSERTS, "rounds": $ROUNDS, "rows": 1000, "drivers": {"sqlite": "sqlite-nio", "postgres": "postgres-nio", "mysql": "RoostMySQL"}},
 "results": {$results}}
JSON
