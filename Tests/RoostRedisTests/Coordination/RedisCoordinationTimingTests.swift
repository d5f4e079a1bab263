import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// The time-to-live behaviour the contracts check on a manual clock, checked here on the
/// server itself (PTTL, and waiting for expiry with a generous bound) so a loaded machine
/// cannot make them flaky.
@Suite("Redis coordination timing", .requires(.redis))
struct RedisCoordinationTimingTests {
    private func remaining(_ connection: RedisConnection, _ key: String) async throws -> Duration? {
        if case .expires(let left) = try await connection.timeToLive(key) { return left }
        return nil
    }

    @Test func lockExtendResetsTheServerTTL() async throws {
        let connection = try await connectToTestServer()
        let lock = RedisLock(client: connection, namespace: "\(uniqueKeyPrefix()):lock:")
        let lease = try #require(try await lock.tryAcquire("k", ttl: .seconds(30)))
        let before = try #require(try await remaining(connection, "\(lock.namespace){k}"))
        #expect(before <= .seconds(30))
        #expect(try await lock.extend(lease, ttl: .seconds(120)))
        let after = try #require(try await remaining(connection, "\(lock.namespace){k}"))
        #expect(after > .seconds(60))
        #expect(try await lock.release(lease))
        try await connection.close()
    }

    @Test func anExpiredLeaseCannotTouchTheNextHolder() async throws {
        let connection = try await connectToTestServer()
        let lock = RedisLock(client: connection, namespace: "\(uniqueKeyPrefix()):lock:")
        // Expired by the server, not by waiting out a short TTL: on a loaded machine an
        // acquisition with a short TTL may be answered too late and refused.
        let old = try #require(try await lock.tryAcquire("k", ttl: .seconds(30)))
        try await connection.send(RedisCommand("PEXPIRE", .string("\(lock.namespace){k}"), 1))
        try await pollUntil { try await lock.isLocked("k") == false }
        let new = try #require(try await lock.tryAcquire("k", ttl: .seconds(30)))
        #expect(new.fencingToken > old.fencingToken)
        #expect(try await lock.extend(old, ttl: .seconds(30)) == false)
        #expect(try await lock.release(old) == false)
        #expect(try await lock.isLocked("k"))
        #expect(try await lock.release(new))
        try await connection.close()
    }

    /// An acquisition answered only after its time to live may have lost the key before
    /// its fencing `INCR` ran, so it gives the key back and counts as failed.
    @Test func anAcquisitionAnsweredAfterItsTTLGivesTheKeyBack() async throws {
        let connection = try await connectToTestServer()
        let namespace = "\(uniqueKeyPrefix()):lock:"
        let slow = RedisLock(client: SlowPipeline(connection, delay: .milliseconds(300)), namespace: namespace)
        #expect(try await slow.tryAcquire("k", ttl: .seconds(30)) != nil)
        #expect(try await slow.tryAcquire("late", ttl: .milliseconds(250)) == nil)
        let lock = RedisLock(client: connection, namespace: namespace)
        #expect(try await lock.isLocked("late") == false)
        #expect(try await lock.isLocked("k"))
        try await connection.close()
    }

    /// A fencing counter the server cannot increment fails the acquisition and frees the key.
    @Test func aBrokenFencingCounterFailsTheAcquisitionAndFreesTheKey() async throws {
        let connection = try await connectToTestServer()
        let lock = RedisLock(client: connection, namespace: "\(uniqueKeyPrefix()):lock:")
        try await connection.send(RedisCommand("SET", .string("\(lock.namespace){k}:fence"), "not a number"))
        await #expect(throws: RedisServerError.self) { try await lock.tryAcquire("k", ttl: .seconds(30)) }
        #expect(try await lock.isLocked("k") == false)
        try await connection.close()
    }

    @Test func counterTTLIsSetOnCreationAndKept() async throws {
        let connection = try await connectToTestServer()
        let counter = RedisCounter(client: connection, namespace: "\(uniqueKeyPrefix()):counter:")
        #expect(try await counter.increment("k", by: 1, ttl: .seconds(30)) == 1)
        #expect(try await counter.increment("k", by: 1, ttl: .seconds(600)) == 2)
        let left = try #require(try await remaining(connection, "\(counter.namespace)k"))
        #expect(left <= .seconds(30))
        #expect(try await counter.increment("short", by: 1, ttl: .milliseconds(200)) == 1)
        try await pollUntil { try await counter.value("short") == 0 }
        #expect(try await counter.increment("short", by: 1, ttl: .seconds(30)) == 1)
        try await connection.close()
    }

    /// A long window for the denial (no stall can end it), a short one for recovery.
    @Test(arguments: [
        (RateLimitStrategy.fixedWindow(limit: 2, window: .seconds(600)), RateLimitStrategy.fixedWindow(limit: 2, window: .milliseconds(300))),
        (.tokenBucket(capacity: 2, refill: 1, interval: .seconds(600)), .tokenBucket(capacity: 2, refill: 1, interval: .milliseconds(300))),
        (.slidingWindow(limit: 2, window: .seconds(600)), .slidingWindow(limit: 2, window: .milliseconds(300))),
        (
            .approximateSlidingWindow(limit: 2, window: .seconds(600)),
            .approximateSlidingWindow(limit: 2, window: .milliseconds(300))
        ),
    ])
    func deniedRequestsAreAllowedAgainAfterRetryAfter(_ strategies: (long: RateLimitStrategy, short: RateLimitStrategy))
        async throws
    {
        let connection = try await connectToTestServer()
        let long = RedisRateLimiter(client: connection, strategy: strategies.long, namespace: "\(uniqueKeyPrefix()):rate:")
        #expect(try await long.acquire("k", cost: 2).allowed)
        let denied = try await long.acquire("k")
        #expect(denied.allowed == false)
        // At most the window (the approximate window waits one millisecond more, until the
        // ended window's two units weigh less than two).
        #expect(denied.retryAfter > .seconds(500) && denied.retryAfter <= .seconds(600) + .milliseconds(1))
        let short = RedisRateLimiter(client: connection, strategy: strategies.short, namespace: "\(uniqueKeyPrefix()):rate:")
        #expect(try await short.acquire("k", cost: 2).allowed)
        try await pollUntil { try await short.acquire("k").allowed }
        try await connection.close()
    }

    /// The approximate sliding window's clock is its key's expiry: moving the expiry moves
    /// the key to another point of its windows, exactly.
    @Test func approximateSlidingWindowWeighsThePreviousWindowByTheKeysExpiry() async throws {
        let connection = try await connectToTestServer()
        let namespace = "\(uniqueKeyPrefix()):rate:"
        let limiter = RedisRateLimiter(
            client: connection, strategy: .approximateSlidingWindow(limit: 100, window: .seconds(600)), namespace: namespace)
        #expect(try await limiter.acquire("k", cost: 40) == RateLimitResult(allowed: true, remaining: 60, retryAfter: .zero))
        #expect(try #require(try await remaining(connection, "\(namespace)k")) > .seconds(600))
        // 440 s into the next window: 160 s of the first one still overlap, 40 × 160 / 600 = 10.67.
        // The key's clock runs from here.
        let moved = ContinuousClock.now
        #expect(try await connection.send(RedisCommand("PEXPIRE", .string("\(namespace)k"), 160_000)).integer == 1)
        #expect(try await limiter.acquire("k") == RateLimitResult(allowed: true, remaining: 89, retryAfter: .zero))
        let left = try #require(try await remaining(connection, "\(namespace)k"))
        #expect(left > .seconds(700) && left <= .seconds(760))
        // 11 used: 90 more must wait until the old units weigh at most 9, 10 s after the
        // expiry moved, less the time that has passed since (a loaded machine can stall for
        // seconds between these calls).
        let denied = try await limiter.acquire("k", cost: 90)
        let elapsed = ContinuousClock.now - moved
        #expect(denied.allowed == false && denied.remaining == 89)
        #expect(
            denied.retryAfter >= .seconds(10) - elapsed - .milliseconds(1) && denied.retryAfter <= .milliseconds(10_001),
            "retry after \(denied.retryAfter), \(elapsed) after the expiry moved")
        #expect(try await limiter.acquire("k", cost: 89) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
        try await connection.close()
    }

    /// The token bucket's debt is its key's expiry, plus the sub-millisecond remainder the
    /// key holds when a token takes a fractional number of milliseconds.
    @Test func tokenBucketKeepsTheRemainderOfFractionalMilliseconds() async throws {
        let connection = try await connectToTestServer()
        let namespace = "\(uniqueKeyPrefix()):rate:"
        // 3 tokens per 100 s: one takes 33,333.33 ms (slow, so that no stall lets the key expire).
        let limiter = RedisRateLimiter(
            client: connection, strategy: .tokenBucket(capacity: 3, refill: 3, interval: .seconds(100)), namespace: namespace)
        #expect(try await limiter.acquire("k", cost: 2) == RateLimitResult(allowed: true, remaining: 1, retryAfter: .zero))
        // 66,666.67 ms of debt: the key expires in 66,667 ms and holds -0.33.
        let value = try await connection.send(RedisCommand("GET", .string("\(namespace)k"))).string
        let remainder = try #require(value.flatMap(Double.init))
        #expect(remainder < -0.3 && remainder > -0.4)
        // 59,999.67 ms of debt: 1.2 tokens left, one allowed, then 0.2.
        #expect(try await connection.send(RedisCommand("PEXPIRE", .string("\(namespace)k"), 60_000)).integer == 1)
        #expect(try await limiter.acquire("k") == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
        let denied = try await limiter.acquire("k")
        #expect(denied.allowed == false && denied.remaining == 0)
        // The next token in 33,333.33 × 0.8 = 26,666.67 ms, less what a slow runner spent meanwhile.
        #expect(denied.retryAfter > .seconds(20) && denied.retryAfter <= .milliseconds(26_667))
        try await connection.close()
    }

    @Test func cacheEntriesExpireOnTheServerAndASetReplacesTheExpiry() async throws {
        let connection = try await connectToTestServer()
        let cache = RedisCache(client: connection, namespace: "\(uniqueKeyPrefix()):cache:")
        try await cache.set("long", to: "b", ttl: .seconds(30))
        let left = try #require(try await remaining(connection, "\(cache.namespace){long}"))
        #expect(left > .zero && left <= .seconds(30))
        try await cache.set("long", to: "c", ttl: .seconds(600))
        #expect(try #require(try await remaining(connection, "\(cache.namespace){long}")) > .seconds(60))
        try await cache.set("short", to: "a", ttl: .milliseconds(200))
        try await pollUntil { try await cache.get("short", as: String.self) == nil }
        #expect(try await cache.get("long", as: String.self) == "c")
        try await connection.close()
    }

    @Test func aConcurrencySlotNotRenewedFreesItselfAndARenewedOneStays() async throws {
        let connection = try await connectToTestServer()
        let limiter = RedisConcurrencyLimiter(client: connection, namespace: "\(uniqueKeyPrefix()):slots:")
        let dead = try #require(try await limiter.tryAcquire("k", limit: 1, ttl: .milliseconds(300)))
        let alive = try #require(try await limiter.tryAcquire("renewed", limit: 1, ttl: .seconds(30)))
        try await pollUntil { try await limiter.holderCount("k") == 0 }
        #expect(try await limiter.extend(alive, ttl: .seconds(30)))
        #expect(try await limiter.holderCount("renewed") == 1)
        let next = try #require(try await limiter.tryAcquire("k", limit: 1, ttl: .seconds(30)))
        #expect(next.fencingToken > dead.fencingToken)
        #expect(try await limiter.extend(dead, ttl: .seconds(1)) == false)
        #expect(dead.lostError?.reason == .expired)
        #expect(try await limiter.release(dead) == false)
        #expect(try await limiter.release(next))
        #expect(try await limiter.release(alive))
        try await connection.close()
    }
}

/// A connection whose pipelines are answered `delay` late, as over a stalled network.
private struct SlowPipeline: RedisCommandSender {
    let connection: RedisConnection
    let delay: Duration
    init(_ connection: RedisConnection, delay: Duration) { (self.connection, self.delay) = (connection, delay) }
    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        try await connection.send(command, timeout: timeout)
    }
    func pipeline(_ commands: [RedisCommand], timeout: Duration?) async throws -> [Result<RESPValue, any Error>] {
        let results = try await connection.pipeline(commands, timeout: timeout)
        try await Task.sleep(for: delay)
        return results
    }
}
