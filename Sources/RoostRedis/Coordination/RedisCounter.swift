import RoostCoordination

/// A ``Counter`` kept in Redis, shared by every process that uses the same server and
/// namespace.
///
/// Each increment is one Lua script: `INCRBY`, and `PEXPIRE` when the call created the
/// counter and a time to live was given, so a counter's period starts at its first hit
/// and later changes never extend it. Expiry is measured by the server.
///
/// ```swift
/// let counters = RedisCounter(client: pool)
/// let hits = try await counters.increment("login:alice", by: 1, ttl: .seconds(60))
/// ```
public final class RedisCounter: Counter {
    /// The server the counters live on.
    public let client: any RedisCommandSender
    /// Prepended to every key, keeping these counters apart from other data.
    public let namespace: String

    /// Creates counters on `client`, stored under `namespace` + key.
    public init(client: some RedisCommandSender, namespace: String = "roost:counter:") {
        self.client = client
        self.namespace = namespace
    }

    /// Adds `amount` to the counter and returns the new value; see ``Counter``.
    public func increment(_ key: String, by amount: Int64, ttl: Duration?) async throws -> Int64 {
        if let ttl, ttl <= .zero { throw CounterError(key: key, reason: .invalidTTL(ttl)) }
        let reply: RESPValue
        do {
            reply = try await Self.incrementScript.run(
                on: client, keys: [namespace + key],
                arguments: [.integer(amount), .integer(ttl?.redisMilliseconds ?? 0)])
        } catch let error as RedisServerError where error.serverMessage.contains("overflow") {
            throw CounterError(key: key, reason: .overflow)
        }
        guard let value = reply.integer else { throw RedisProtocolError.unexpected(reply, expected: "an integer") }
        return value
    }

    /// The counter's value, or zero when it does not exist or has expired.
    public func value(_ key: String) async throws -> Int64 {
        let reply = try await client.send(RedisCommand("GET", .string(namespace + key)), timeout: nil)
        if reply.isNull { return 0 }
        guard let value = reply.integer else { throw RedisProtocolError.unexpected(reply, expected: "an integer") }
        return value
    }

    /// Removes the counter.
    public func reset(_ key: String) async throws {
        try await client.send(RedisCommand("DEL", .string(namespace + key)), timeout: nil)
    }

    /// KEYS[1] the counter; ARGV[1] the amount, ARGV[2] the time to live in ms (0: none).
    /// `INCRBY` fails on overflow before writing anything. The value is returned as the
    /// stored string, because Lua numbers are doubles and would round large counts.
    static let incrementScript = RedisScript(
        """
        local created = redis.call('EXISTS', KEYS[1]) == 0
        redis.call('INCRBY', KEYS[1], ARGV[1])
        if created and ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return redis.call('GET', KEYS[1])
        """)
}
