#!/usr/bin/env bash
# Platform benchmark: JSON log lines per second and XLSX rows per second, Roost beside its
# peers in the same run.
#
#   Benchmarks/platform.sh REPO_ROOT [ROUNDS] [LOG_LINES] [XLSX_ROWS]
#
# Logging: the same request line (message + 5 metadata values) LOG_LINES times (default
# 500,000) through JSONLogHandler + RotatingFileLogSink into a file, and through swift-log's
# StreamLogHandler to standard output redirected to a file. Reported: lines per second
# until everything is on disk, and the mean cost of one log call on the calling task.
# XLSX: XLSX_ROWS rows (default 100,000) of 10 mixed columns (numbers, text, booleans,
# dates) with a bold header, column widths and a frozen row, by XLSXWriter and by
# openpyxl's write-only mode. Each side runs ROUNDS times (default 3), alternating; the
# median is reported. Prints one JSON object on stdout; build and install output go to stderr.
set -euo pipefail

root="${1:?usage: platform.sh REPO_ROOT [ROUNDS] [LOG_LINES] [XLSX_ROWS]}"
rounds="${2:-3}"
lines="${3:-500000}"
rows="${4:-100000}"
source "$root/scripts/lib/bench.sh"
cd "$root"

venv="$root/.bench/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
if ! "$venv/bin/python" -c 'import openpyxl' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'openpyxl==3.1.*' >&2
fi
bin="$(roost_bench_build "$root/Benchmarks" bench-platform)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

runs=()
for round in $(seq 1 "$rounds"); do
    roost_log "round $round of $rounds"
    rm -rf "$work/logs"
    runs+=("log-roost $("$bin" log-roost "$work/logs" "$lines" 2>&1 >/dev/null)")
    runs+=("log-stream $("$bin" log-stream "$lines" 2>&1 >"$work/stream.log")")
    runs+=("xlsx-roost $("$bin" xlsx "$work/roost.xlsx" "$rows" 2>&1 >/dev/null)")
    runs+=("xlsx-openpyxl $("$venv/bin/python" Benchmarks/peers/platform_openpyxl.py "$work/peer.xlsx" "$rows" 2>&1 >/dev/null)")
done

python3 - "$rounds" "$lines" "$rows" "${runs[@]}" <<'PY'
import json
import statistics
import sys

rounds, lines, rows = (int(value) for value in sys.argv[1:4])
runs = {}
for text in sys.argv[4:]:
    name, _, payload = text.partition(" ")
    runs.setdefault(name, []).append(json.loads(payload))


def median(name, key):
    return round(statistics.median(run[key] for run in runs[name]), 1)


roost_lines, stream_lines = median("log-roost", "lines_per_s"), median("log-stream", "lines_per_s")
roost_rows, peer_rows = median("xlsx-roost", "rows_per_s"), median("xlsx-openpyxl", "rows_per_s")
print(json.dumps({
    "name": "platform",
    "unit": "lines/s, ns/call, rows/s",
    "config": {"log_lines": lines, "xlsx_rows": rows, "xlsx_columns": 10, "rounds": rounds},
    "results": {
        "log_lines_per_s": {"roost": roost_lines, "swift-log StreamLogHandler": stream_lines,
                            "ratio": round(roost_lines / stream_lines, 2)},
        "log_call_ns": {"roost": median("log-roost", "call_ns"),
                        "swift-log StreamLogHandler": median("log-stream", "call_ns")},
        "log_sink_write_ns": {"roost": median("log-roost", "sink_write_ns")},
        "log_dropped_lines": {"roost": max(run["dropped"] for run in runs["log-roost"])},
        "xlsx_rows_per_s": {"roost": roost_rows, "openpyxl write-only": peer_rows,
                            "ratio": round(roost_rows / peer_rows, 2)},
        "xlsx_bytes": {"roost": median("xlsx-roost", "bytes"), "openpyxl write-only": median("xlsx-openpyxl", "bytes")},
    },
}, ensure_ascii=False))
PY
