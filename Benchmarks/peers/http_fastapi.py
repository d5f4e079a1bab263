"""FastAPI + uvicorn peer for `scripts/bench http`: the same /health envelope
the Python suites answer (request id from the header or a new uuid)."""
import sys
import time
import uuid

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()
STARTED = time.monotonic()


@app.get("/health")
async def health(request: Request):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    data = {"status": "up", "service": "fastapi", "version": "0", "checks": [],
            "uptime_s": time.monotonic() - STARTED}
    return JSONResponse({"code": 0, "data": data, "msg": "Success", "request_id": request_id},
                        headers={"x-request-id": request_id})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
