#!/usr/bin/env bash
# MySQL point selects and 1,000-row selects: Roost's pooled connections (prepared
# statements for the point select), mariadb-slap (C client, text protocol) and aiomysql
# (asyncio, client-side parameter escaping), CLIENTS concurrent clients with one
# connection each, against one mariadbd.
# Usage (through the runner): scripts/bench mysql [CLIENTS] [POINT_QUERIES] [RANGE_QUERIES] [ROUNDS]
set -euo pipefail
ROOT="$1"
CLIENTS="${2:-16}"
POINT_QUERIES="${3:-160000}"
RANGE_QUERIES="${4:-8000}"
ROUNDS="${5:-3}"
source "$ROOT/scripts/lib/bench.sh"
trap roost_stop_servers EXIT

roost_install_servers
roost_bench_venv "$ROOT" "aiomysql==0.3.*"
py="$ROOT/.bench/venv/bin/python"
roost="$(roost_bench_build "$ROOT/Benchmarks" bench-mysql)"
roost_start_mariadb
url="$ROOST_TEST_MYSQL_URL"
port="${url##*:}"
port="${port%%/*}"
client="$(roost_find_binary mariadb || roost_find_binary mysql)"
slap="$(roost_find_binary mariadb-slap || roost_find_binary mysqlslap)"
login=(--no-defaults -h127.0.0.1 -P"$port" -uroost -proost)

# 1,000 rows: (id, name, value).
"$client" "${login[@]}" roost_test <<'SQL'
CREATE TABLE bench_points (id INT PRIMARY KEY, name VARCHAR(32) NOT NULL, value INT NOT NULL) ENGINE=InnoDB;
INSERT INTO bench_points SELECT seq, CONCAT('point-', seq), seq * 3 FROM seq_1_to_1000;
SQL

qps() { python3 -c 'import json,sys; print(round(json.load(sys.stdin)["queries_per_second"]))'; }
questions() { "$client" "${login[@]}" -N -e "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{ print $2 }'; }
slap_qps() {  # mariadb-slap's queries per second for QUERY, about QUERIES times in total
    # slap's --number-of-queries is approximate, so the count comes from the server's own
    # Questions counter around the run.
    local query="$1" queries="$2" seconds before after
    before="$(questions)"
    seconds="$("$slap" "${login[@]}" --create-schema=roost_test --no-drop --concurrency="$CLIENTS" --iterations=1 \
        --number-of-queries="$queries" --query="$query" | awk '/Average number of seconds/ { print $(NF-1) }')"
    after="$(questions)"
    python3 -c "print(round(($after - $before - 1) / $seconds))"
}

median() { python3 -c 'import statistics, sys; print(round(statistics.median(float(a) for a in sys.argv[1:])))' "$@"; }

# The three clients alternate for ROUNDS rounds, so that all of them see the same drift of
# the machine's speed, and each one's median is reported.
results=""
for mode in point range; do
    if [ "$mode" = point ]; then queries="$POINT_QUERIES"; else queries="$RANGE_QUERIES"; fi
    if [ "$mode" = point ]; then
        query="SELECT id, name, value FROM bench_points WHERE id = 500"
    else
        query="SELECT id, name, value FROM bench_points"
    fi
    r=() c=() p=()
    for round in $(seq 1 "$ROUNDS"); do
        roost_log "$mode select, $CLIENTS clients, $queries queries, round $round of $ROUNDS"
        r+=("$("$roost" "$url" "$CLIENTS" "$queries" "$mode" | qps)")
        c+=("$(slap_qps "$query" "$queries")")
        p+=("$("$py" "$ROOT/Benchmarks/peers/mysql_aiomysql.py" "$url" "$CLIENTS" $((queries / 4)) "$mode" | qps)")
    done
    results+="${results:+, }\"$mode-select\": {\"roost\": $(median "${r[@]}"), \"mariadb-slap\": $(median "${c[@]}"), \"aiomysql\": $(median "${p[@]}")}"
    roost_log "$mode select rounds: roost ${r[*]}; mariadb-slap ${c[*]}; aiomysql ${p[*]}"
done

cat <<JSON
{"name": "mysql", "unit": "queries/s", "config": {"clients": $CLIENTS, "point_queries": $POINT_QUERIES, "range_queries": $RANGE_QUERIES, "range_rows": 1000, "rounds": $ROUNDS},
 "results": {$results}}
JSON
