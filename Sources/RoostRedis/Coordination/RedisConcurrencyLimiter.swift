import RoostCoordination
import RoostTasks

/// A ``DistributedConcurrencyLimiter`` kept in Redis: at most `limit` holders of a key at
/// once across every process that uses the same server and namespace.
///
/// The slots of a key are a sorted set of lease tokens scored by their expiry in server
/// milliseconds; a companion counter hands out fencing tokens. Every operation is one Lua
/// script that first drops expired slots, so a holder that died frees its slot once its
/// time to live has passed, and clock skew between processes does not matter.
///
/// ```swift
/// let limiter = RedisConcurrencyLimiter(client: pool)
/// try await limiter.withSlot("exports:tenant-7", limit: 3, ttl: .seconds(30), timeout: .seconds(10)) { _ in
///     try await exporter.run(tenant: 7)
/// }
/// ```
public final class RedisConcurrencyLimiter: DistributedConcurrencyLimiter {
    /// The server the slots live on.
    public let client: any RedisCommandSender
    /// Prepended to every key, keeping these slots apart from other data.
    public let namespace: String
    /// The clock that timeouts, retry delays and renewals are measured on.
    public let clock: ContinuousClock
    /// The delays between attempts while every slot is taken.
    public let retryBackoff: Backoff

    /// Creates a limiter client.
    ///
    /// - Parameters:
    ///   - client: The server connection or pool.
    ///   - namespace: Prepended to every key; the slots of `key` are stored at
    ///     `namespace{key}` and its fencing counter at `namespace{key}:fence`.
    ///   - retryBackoff: The jittered delays between attempts while every slot is taken.
    public init(
        client: some RedisCommandSender, namespace: String = "roost:slots:",
        retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)
    ) {
        self.client = client
        self.namespace = namespace
        self.clock = ContinuousClock()
        self.retryBackoff = retryBackoff
    }

    /// Takes a slot of `key` for `ttl` if fewer than `limit` are taken; nil otherwise.
    public func tryAcquire(_ key: String, limit: Int, ttl: Duration) async throws -> LockLease? {
        try validateLeaseArguments(key, limit: limit, ttl: ttl, timeout: nil)
        let token = LockLease.randomToken()
        let reply = try await Self.acquireScript.run(
            on: client, keys: [slotsKey(key), fenceKey(key)],
            arguments: [.string(token), .integer(Int64(limit)), .integer(ttl.redisMilliseconds)])
        guard let fence = reply.integer else { throw RedisProtocolError.unexpected(reply, expected: "an integer") }
        guard fence > 0 else { return nil }
        return LockLease(key: key, token: token, fencingToken: UInt64(fence), ttl: ttl)
    }

    /// Frees the lease's slot if it still holds it; the lease counts as released either way.
    @discardableResult
    public func release(_ lease: LockLease) async throws -> Bool {
        let reply = try await Self.releaseScript.run(
            on: client, keys: [slotsKey(lease.key)], arguments: [.string(lease.token)])
        lease.markReleased()
        return try Self.flag(reply)
    }

    /// Resets the lease's time to live if it still holds its slot; marks it lost otherwise.
    public func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        try validateLeaseArguments(lease.key, limit: nil, ttl: ttl, timeout: nil)
        let reply = try await Self.extendScript.run(
            on: client, keys: [slotsKey(lease.key)], arguments: [.string(lease.token), .integer(ttl.redisMilliseconds)])
        let owned = try Self.flag(reply)
        if !owned { lease.markLost(.expired) }
        return owned
    }

    /// The number of live slots of `key`.
    public func holderCount(_ key: String) async throws -> Int {
        let reply = try await Self.countScript.run(on: client, keys: [slotsKey(key)])
        guard let count = reply.integer else { throw RedisProtocolError.unexpected(reply, expected: "an integer") }
        return Int(count)
    }

    private func slotsKey(_ key: String) -> String { "\(namespace){\(key)}" }
    private func fenceKey(_ key: String) -> String { "\(namespace){\(key)}:fence" }

    private static func flag(_ reply: RESPValue) throws -> Bool {
        guard let value = reply.integer, value == 0 || value == 1 else {
            throw RedisProtocolError.unexpected(reply, expected: "0 or 1")
        }
        return value == 1
    }

    /// Lua shared by the scripts: `now` in server milliseconds, expired slots dropped.
    private static let prelude = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)

        """

    /// Keeps the slots key alive at least `ms` more milliseconds.
    private static let keepAlive = """
        local function keep(ms)
          if redis.call('PTTL', KEYS[1]) < ms then redis.call('PEXPIRE', KEYS[1], ms) end
        end

        """

    /// KEYS slots, fence; ARGV token, limit, ttl ms. Returns the fencing token, or 0 when full.
    static let acquireScript = RedisScript(
        prelude + keepAlive + """
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
            keep(tonumber(ARGV[3]))
            return redis.call('INCR', KEYS[2])
            """)

    /// KEYS slots; ARGV token. Frees the slot if it is still live.
    static let releaseScript = RedisScript(
        prelude + """
            return redis.call('ZREM', KEYS[1], ARGV[1])
            """)

    /// KEYS slots; ARGV token, ttl ms. Moves a live slot's expiry to now + ttl.
    static let extendScript = RedisScript(
        prelude + keepAlive + """
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
            keep(tonumber(ARGV[2]))
            return 1
            """)

    /// KEYS slots. The number of live slots.
    static let countScript = RedisScript(
        prelude + """
            return redis.call('ZCARD', KEYS[1])
            """)
}
