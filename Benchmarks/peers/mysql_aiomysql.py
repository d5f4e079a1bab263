"""aiomysql peer for `scripts/bench mysql`: CLIENTS tasks, one connection each, running
QUERIES statements in total; prints queries per second as JSON.

  point: SELECT id, name, value FROM bench_points WHERE id = %s   (one row)
  range: SELECT id, name, value FROM bench_points                  (1,000 rows)
"""
import asyncio
import json
import sys
import time
from urllib.parse import urlparse

import aiomysql


async def main(url, clients, queries, mode):
    parts = urlparse(url)
    pool = await aiomysql.create_pool(
        host=parts.hostname, port=parts.port or 3306, user=parts.username, password=parts.password,
        db=parts.path.lstrip("/"), minsize=clients, maxsize=clients, autocommit=True)
    per_client = queries // clients

    async def worker(client, count):
        checksum = 0
        async with pool.acquire() as connection:
            async with connection.cursor() as cursor:
                for index in range(count):
                    if mode == "point":
                        await cursor.execute(
                            "SELECT id, name, value FROM bench_points WHERE id = %s",
                            ((client * 7919 + index) % 1000 + 1,))
                        checksum += (await cursor.fetchone())[2]
                    else:
                        await cursor.execute("SELECT id, name, value FROM bench_points")
                        for row in await cursor.fetchall():
                            checksum += row[2]
        return checksum

    await asyncio.gather(*(worker(client, 20) for client in range(clients)))
    started = time.perf_counter()
    await asyncio.gather(*(worker(client, per_client) for client in range(clients)))
    elapsed = time.perf_counter() - started
    pool.close()
    await pool.wait_closed()
    print(json.dumps({"queries_per_second": per_client * clients / elapsed}))


if __name__ == "__main__":
    url, clients, queries, mode = sys.argv[1:5]
    asyncio.run(main(url, int(clients), int(queries), mode))
