"""redis-py asyncio peer for `scripts/bench redis`: CLIENTS tasks, one connection each,
SET or GET with a pipeline depth, the shape redis-benchmark measures."""
import asyncio
import json
import sys
import time

import redis.asyncio as redis


async def main(url, clients, depth, requests, operation):
    pool = redis.ConnectionPool.from_url(url, max_connections=clients)
    client = redis.Redis(connection_pool=pool)
    await client.set("key:__rand_int__", "xxx")
    batches = requests // clients // depth

    async def worker():
        for _ in range(batches):
            if depth == 1:
                if operation == "get":
                    await client.get("key:__rand_int__")
                else:
                    await client.set("key:__rand_int__", "xxx")
            else:
                pipe = client.pipeline(transaction=False)
                for _ in range(depth):
                    if operation == "get":
                        pipe.get("key:__rand_int__")
                    else:
                        pipe.set("key:__rand_int__", "xxx")
                await pipe.execute()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    await client.aclose()
    print(json.dumps({"ops_per_second": batches * clients * depth / elapsed}))


if __name__ == "__main__":
    url, clients, depth, requests, operation = sys.argv[1:6]
    asyncio.run(main(url, int(clients), int(depth), int(requests), operation))
