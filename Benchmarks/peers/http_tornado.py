"""Tornado peer for `scripts/bench http`: the same /health envelope."""
import asyncio
import json
import sys
import time
import uuid

import tornado.web

STARTED = time.monotonic()


class Health(tornado.web.RequestHandler):
    def get(self):
        request_id = self.request.headers.get("x-request-id") or uuid.uuid4().hex
        data = {"status": "up", "service": "tornado", "version": "0", "checks": [],
                "uptime_s": time.monotonic() - STARTED}
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("x-request-id", request_id)
        self.write(json.dumps({"code": 0, "data": data, "msg": "Success", "request_id": request_id}))


async def main():
    app = tornado.web.Application([(r"/health", Health)])
    app.listen(int(sys.argv[1]), address="127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
