#!/usr/bin/env bash
# Scope benchmark: Roost's bench-scope beside asyncscope 0.12, same shape, same run.
# Usage: Benchmarks/scope.sh REPO_ROOT   (prints one JSON object on stdout)
set -euo pipefail

root="${1:?usage: scope.sh REPO_ROOT}"
cd "$root"

venv="$root/.bench/venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c 'import asyncscope' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'asyncscope==0.12.*' >&2
fi

(cd Benchmarks && swift build -c release --product bench-scope >&2)
bin_dir="$(cd Benchmarks && swift build -c release --show-bin-path)"

roost="$("$bin_dir/bench-scope")"
asyncscope="$("$venv/bin/python" Benchmarks/peers/scope_asyncscope.py)"

printf '{"name":"scope","unit":"ms / µs","config":{"services":1111,"fan_out":10,"depth":3,"reacquires":10000},"results":{"roost":%s,"asyncscope":%s}}\n' \
    "$roost" "$asyncscope"
