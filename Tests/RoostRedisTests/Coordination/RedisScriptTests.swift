import RoostCoordination
import RoostTestSupport
import Synchronization
import Testing

@testable import RoostRedis

@Suite struct RedisScriptDigestTests {
    @Test("the digest is the SHA1 of the source in lowercase hex")
    func digest() {
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
        #expect(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    @Test("durations become whole milliseconds, rounded up")
    func milliseconds() {
        #expect(Duration.seconds(2).redisMilliseconds == 2_000)
        #expect(Duration.microseconds(1).redisMilliseconds == 1)
        #expect(Duration.microseconds(1_500).redisMilliseconds == 2)
    }
}

@Suite("Lua scripts against redis-server", .requires(.redis))
struct RedisScriptTests {
    @Test("a script the server does not know is sent with EVAL, then runs by digest")
    func noScriptFallback() async throws {
        let connection = try await connectToTestServer()
        let script = RedisScript("return {KEYS[1], ARGV[1], '\(uniqueKey())'}")
        let known = try await connection.send("SCRIPT", "EXISTS", .string(script.sha1))
        #expect(known.array?.first?.integer == 0)
        let reply = try await script.run(on: connection, keys: ["k"], arguments: ["a"])
        #expect(reply.array?.prefix(2).compactMap(\.string) == ["k", "a"])
        let cached = try await connection.send("SCRIPT", "EXISTS", .string(script.sha1))
        #expect(cached.array?.first?.integer == 1)
        try await connection.close()
    }

    @Test("a failing script throws the server's error")
    func failure() async throws {
        let connection = try await connectToTestServer()
        let script = RedisScript("return redis.error_reply('BOOM broken on purpose')")
        let error = try await #require(throws: RedisServerError.self) { try await script.run(on: connection) }
        #expect(error.kind == RedisServerError.Kind(prefix: "BOOM"))
        try await connection.close()
    }

    @Test("overflowing a counter is a typed error and the stored value keeps full precision")
    func counterPrecision() async throws {
        let connection = try await connectToTestServer()
        let counter = RedisCounter(client: connection)
        let key = uniqueKey()
        #expect(try await counter.increment(key, by: .max - 1, ttl: nil) == .max - 1)
        #expect(try await counter.increment(key, by: 1, ttl: nil) == .max)
        await #expect(throws: CounterError(key: key, reason: .overflow)) {
            try await counter.increment(key, by: 1, ttl: nil)
        }
        try await counter.reset(key)
        try await connection.close()
    }
}

/// Keeps every command it is sent and answers each with `reply`.
private final class FixedReply: RedisCommandSender, Sendable {
    let reply: RESPValue
    let commands = Mutex<[RedisCommand]>([])
    init(reply: RESPValue) { self.reply = reply }
    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        commands.withLock { $0.append(command) }
        return reply
    }
    func pipeline(_ commands: [RedisCommand], timeout: Duration?) async throws -> [Result<RESPValue, any Error>] {
        for command in commands { _ = try await send(command, timeout: timeout) }
        return commands.map { _ in .success(reply) }
    }
}

/// How a rate limiter reads its script's reply: the units left when allowed, those and
/// the retry when denied, and a clear error for anything else (a server running other
/// code under the script's digest, say).
@Suite struct RedisRateLimiterReplyTests {
    private func acquire(_ reply: RESPValue) async throws -> RateLimitResult {
        let limiter = RedisRateLimiter(
            client: FixedReply(reply: reply), strategy: .fixedWindow(limit: 10, window: .seconds(1)))
        return try await limiter.acquire("k")
    }

    @Test func anIntegerIsAnAllowedRequestWithTheUnitsLeft() async throws {
        #expect(try await acquire(.integer(7)) == RateLimitResult(allowed: true, remaining: 7, retryAfter: .zero))
    }

    @Test func twoIntegersAreADeniedRequestWithItsRetry() async throws {
        #expect(
            try await acquire(.array([.integer(0), .integer(250)]))
                == RateLimitResult(allowed: false, remaining: 0, retryAfter: .milliseconds(250)))
    }

    @Test(arguments: [
        RESPValue.array([.integer(1), .integer(5), .integer(0)]),
        RESPValue.array([.integer(0), .null]),
        RESPValue.null,
    ])
    func anyOtherReplyIsAProtocolError(_ reply: RESPValue) async throws {
        let error = try await #require(throws: RedisProtocolError.self) { try await acquire(reply) }
        #expect(error.kind == .unexpectedReply)
        #expect(error.message.contains("an integer, or an array of two integers"))
    }
}

/// What a rate limiter sends: its settings live in its script's source, so a check of
/// cost 1 sends only the key, and any other cost one argument.
@Suite struct RedisRateLimiterScriptTests {
    @Test func theSettingsAreWrittenIntoTheScript() {
        let fixed = RedisRateLimiter.script(for: .fixedWindow(limit: 5, window: .seconds(2)))
        #expect(fixed.source.hasPrefix("local cost, limit, window = tonumber(ARGV[1]) or 1, 5, 2000\n"))
        let bucket = RedisRateLimiter.script(for: .tokenBucket(capacity: 10, refill: 3, interval: .seconds(1)))
        #expect(
            bucket.source.hasPrefix("local cost, capacity, refill, interval = tonumber(ARGV[1]) or 1, 10, 3, 1000\n"))
        #expect(!fixed.source.contains("ARGV[2]") && !bucket.source.contains("ARGV[2]"))
        #expect(RedisRateLimiter.script(for: .fixedWindow(limit: 6, window: .seconds(2))).sha1 != fixed.sha1)
    }

    @Test func aCostOfOneSendsOnlyTheKey() async throws {
        let recorder = FixedReply(reply: .integer(1))
        let limiter = RedisRateLimiter(
            client: recorder, strategy: .approximateSlidingWindow(limit: 10, window: .seconds(1)), namespace: "n:")
        _ = try await limiter.acquire("k")
        _ = try await limiter.acquire("k", cost: 3)
        let sent = recorder.commands.withLock { $0 }
        #expect(sent.map(\.name) == ["EVALSHA", "EVALSHA"])
        #expect(sent[0].arguments == [.string(limiter.script.sha1), .integer(1), .string("n:k")])
        #expect(sent[1].arguments == [.string(limiter.script.sha1), .integer(1), .string("n:k"), .integer(3)])
    }

    @Test func resetDeletesTheKeysItsStrategyCountsIn() async throws {
        let recorder = FixedReply(reply: .integer(1))
        let fixed = RedisRateLimiter(client: recorder, strategy: .fixedWindow(limit: 1, window: .seconds(1)), namespace: "n:")
        let exact = RedisRateLimiter(client: recorder, strategy: .slidingWindow(limit: 1, window: .seconds(1)), namespace: "n:")
        try await fixed.reset("k")
        try await exact.reset("k")
        let sent = recorder.commands.withLock { $0 }
        #expect(sent.map(\.name) == ["DEL", "DEL"])
        #expect(sent[0].arguments == [.string("n:k")])
        #expect(sent[1].arguments == [.string("n:{k}"), .string("n:{k}:total")])
    }
}

@Suite("Rate limiter reset against redis-server", .requires(.redis))
struct RedisRateLimiterResetTests {
    @Test(arguments: [
        RateLimitStrategy.fixedWindow(limit: 2, window: .seconds(600)),
        .slidingWindow(limit: 2, window: .seconds(600)),
        .approximateSlidingWindow(limit: 2, window: .seconds(600)),
        .tokenBucket(capacity: 2, refill: 1, interval: .seconds(600)),
    ])
    func resetForgetsTheCountAndLeavesNoKey(_ strategy: RateLimitStrategy) async throws {
        let connection = try await connectToTestServer()
        let namespace = "\(uniqueKey("reset")):"
        let limiter = RedisRateLimiter(client: connection, strategy: strategy, namespace: namespace)
        #expect(try await limiter.acquire("k", cost: 2).allowed)
        #expect(try await limiter.acquire("k").allowed == false)
        try await limiter.reset("k")
        var left: [String] = []
        for try await key in connection.scan(matching: namespace + "*") { left.append(key) }
        #expect(left.isEmpty)
        #expect(try await limiter.acquire("k", cost: 2).allowed)
        try await connection.close()
    }
}
