"""asyncscope 0.12 side of the scope benchmark.

Same shape as bench-scope: a tree of 1,111 services (fan-out 10, depth 3) started and
torn down, and 10,000 re-acquires (acquire + release) of a running service.
Prints one JSON object: {"tree_ms": ..., "per_service_us": ..., "reacquire_us": ...}.
"""

import json
import statistics
import time

import anyio
from asyncscope import main_scope, scope

FAN_OUT = 10
DEPTH = 3
SERVICES = sum(FAN_OUT**level for level in range(DEPTH + 1))
REACQUIRES = 10_000
RUNS = 5


async def node(name, level):
    if level < DEPTH:
        for i in range(FAN_OUT):
            child = f"{name}.{i}"
            await scope.service(child, node, child, level + 1)
    scope.register(level)
    await scope.no_more_dependents()


async def leaf():
    scope.register(1)
    await scope.no_more_dependents()


async def tree_once():
    start = time.perf_counter()
    async with main_scope("bench"):
        root = await scope.service("root", node, "root", 0, _as_scope=True)
        up = time.perf_counter() - start
        scope.release(root)
    total = time.perf_counter() - start
    return up, total


async def reacquire_once():
    async with main_scope("bench"):
        await scope.service("svc", leaf)
        start = time.perf_counter()
        for _ in range(REACQUIRES):
            await scope.service("svc", leaf, _as_scope=True)
            scope.release(scope.lookup_scope("svc"))
        return (time.perf_counter() - start) / REACQUIRES


async def main():
    await tree_once()  # warm-up
    trees = [await tree_once() for _ in range(RUNS)]
    await reacquire_once()
    reacquires = [await reacquire_once() for _ in range(RUNS)]
    up = statistics.median(t[0] for t in trees)
    total = statistics.median(t[1] for t in trees)
    result = {
        "tree_ms": round(total * 1e3, 3),
        "per_service_us": round(up / SERVICES * 1e6, 3),
        "reacquire_us": round(statistics.median(reacquires) * 1e6, 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    anyio.run(main)
