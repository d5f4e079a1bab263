"""asyncpg peer for `scripts/bench sql`: CLIENTS tasks, one connection each, running
QUERIES point selects in total; prints operations per second as JSON.

  SELECT id, name, value FROM bench_points WHERE id = $1   (one row, prepared by asyncpg)
"""
import asyncio
import json
import sys
import time

import asyncpg


async def main(url, clients, queries):
    connections = [await asyncpg.connect(url, ssl=False) for _ in range(clients)]
    per_client = queries // clients

    async def worker(client, connection, count, offset):
        checksum = 0
        for index in range(count):
            row = await connection.fetchrow(
                "SELECT id, name, value FROM bench_points WHERE id = $1", (client * 7919 + index + offset) % 1000 + 1)
            checksum += row["value"] + len(row["name"])
        return checksum

    await asyncio.gather(*(worker(c, conn, 50, 0) for c, conn in enumerate(connections)))
    started = time.perf_counter()
    await asyncio.gather(*(worker(c, conn, per_client, 13) for c, conn in enumerate(connections)))
    elapsed = time.perf_counter() - started
    for connection in connections:
        await connection.close()
    print(json.dumps({"ops_per_second": per_client * clients / elapsed}))


if __name__ == "__main__":
    url, clients, queries = sys.argv[1:4]
    asyncio.run(main(url, int(clients), int(queries)))
