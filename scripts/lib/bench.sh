# Helpers for Benchmarks/*.sh. Source it; do not run it.
# shellcheck source=scripts/lib/servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"

ROOST_BENCH_PIDS=()

# Installs Debian packages whose command is missing: roost_bench_need COMMAND PACKAGE ...
roost_bench_need() {
    local missing=()
    while [ "$#" -ge 2 ]; do
        command -v "$1" >/dev/null 2>&1 || missing+=("$2")
        shift 2
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        roost_log "installing ${missing[*]}"
        roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

roost_bench_require_python() {
    roost_bench_need python3 python3
    python3 -c 'import venv, ensurepip' 2>/dev/null || roost_bench_need_package python3-venv
}

roost_bench_need_package() {
    roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Creates .bench/venv if needed and installs the given PyPI requirements into it.
# Prints nothing; the interpreter is "$ROOT/.bench/venv/bin/python".
roost_bench_venv() {
    local root="$1"
    shift
    [ -x "$root/.bench/venv/bin/python" ] || python3 -m venv "$root/.bench/venv" >&2
    "$root/.bench/venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
}

# Builds a product in release mode: roost_bench_build DIR PRODUCT; prints the binary path.
roost_bench_build() {
    local dir="$1" product="$2"
    (cd "$dir" && swift build -c release --product "$product" >&2) || roost_fail "building $product failed"
    echo "$(cd "$dir" && swift build -c release --show-bin-path)/$product"
}

# Starts a server in the background and waits until URL answers.
# roost_bench_start URL LOGFILE COMMAND...
roost_bench_start() {
    local url="$1" logfile="$2"
    shift 2
    "$@" >"$logfile" 2>&1 &
    ROOST_BENCH_PIDS+=($!)
    for _ in $(seq 1 150); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
        sleep 0.2
    done
    echo "error: '$*' did not answer $url within 30s; its log follows:" >&2
    cat "$logfile" >&2
    exit 1
}

# Stops every server started with roost_bench_start.
roost_bench_stop_all() {
    local pid
    for pid in "${ROOST_BENCH_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    ROOST_BENCH_PIDS=()
}

# Runs wrk against URL and prints requests per second:
# roost_bench_wrk URL CONNECTIONS SECONDS
roost_bench_wrk() {
    local url="$1" connections="$2" seconds="$3"
    wrk -t1 -c"$connections" -d1s "$url" >/dev/null 2>&1 || true  # warm-up
    wrk -t1 -c"$connections" -d"${seconds}s" "$url" | awk '/^Requests\/sec:/ { print $2 }'
}
