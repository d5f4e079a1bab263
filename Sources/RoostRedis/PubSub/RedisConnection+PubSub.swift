import NIOCore

extension RedisConnection {
    /// `PUBLISH`: sends `message` to every subscriber of `channel`; returns how many
    /// subscriptions (on this server) received it.
    ///
    /// ```swift
    /// let receivers = try await connection.publish("shipped", to: "orders")
    /// ```
    @discardableResult
    public func publish(_ message: RedisArgument, to channel: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("PUBLISH", .string(channel), message))))
    }

    /// `SPUBLISH`: sends `message` to the subscribers of the shard channel `channel`
    /// (Redis 7 and later); returns how many received it.
    @discardableResult
    public func shardPublish(_ message: RedisArgument, to channel: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("SPUBLISH", .string(channel), message))))
    }

    /// `PUBSUB NUMSUB`: how many clients subscribe to each channel (pattern subscriptions
    /// not counted).
    ///
    /// ```swift
    /// let counts = try await connection.subscriberCounts(["orders"])  // ["orders": 2]
    /// ```
    public func subscriberCounts(_ channels: [String]) async throws -> [String: Int] {
        let reply = try await send(RedisCommand("PUBSUB", arguments: ["NUMSUB"] + channels.map { .string($0) }))
        var counts: [String: Int] = [:]
        for (channel, count) in try Self.pairs(reply) {
            guard let value = count.integer else { throw RedisProtocolError.unexpected(count, expected: "an integer") }
            counts[String(buffer: channel)] = Int(value)
        }
        return counts
    }

    /// `PUBSUB NUMPAT`: how many pattern subscriptions exist on the server, over all clients.
    public func patternSubscriptionCount() async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("PUBSUB", "NUMPAT"))))
    }
}
