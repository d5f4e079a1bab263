-- wrk script for `scripts/bench demo`: POST /orders for one product, one unit each, with a
-- client token no other request of any run uses (run id, wrk thread, counter), so every
-- request is a new order rather than a retry.
-- Reads ROOST_BENCH_PRODUCT (the product id) and ROOST_BENCH_RUN (unique per run).

local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

local product = os.getenv("ROOST_BENCH_PRODUCT")
local run = os.getenv("ROOST_BENCH_RUN")
local counter = 0
local headers = { ["content-type"] = "application/json" }

function request()
    counter = counter + 1
    local body = string.format('{"product_id":%s,"quantity":1,"client_token":"bench-%s-%s-%d"}',
        product, run, tostring(thread_number), counter)
    return wrk.format("POST", "/orders", headers, body)
end
