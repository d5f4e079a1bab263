import NIOCore

extension RedisConnection {
    /// `XGROUP CREATE`: creates consumer group `group` on the stream, delivering entries
    /// after `startID` (`$`: only new ones; `0`: everything). With `createStream`
    /// (`MKSTREAM`) a missing stream is created empty.
    ///
    /// A group that already exists fails with ``RedisServerError`` of kind
    /// ``RedisServerError/Kind/busyGroup``.
    ///
    /// ```swift
    /// try await connection.streamCreateGroup("events", group: "mailer", startingAfter: "0", createStream: true)
    /// ```
    public func streamCreateGroup(
        _ key: String, group: String, startingAfter startID: String = "$", createStream: Bool = false
    ) async throws {
        var command = RedisCommand("XGROUP", "CREATE", prefixed(key), .string(group), .string(startID))
        if createStream { command.arguments.append("MKSTREAM") }
        try await send(command)
    }

    /// `XGROUP DESTROY`: removes the group; returns whether it existed.
    @discardableResult
    public func streamDestroyGroup(_ key: String, group: String) async throws -> Bool {
        try Self.flag(await send(RedisCommand("XGROUP", "DESTROY", prefixed(key), .string(group))))
    }

    /// `XGROUP CREATECONSUMER`: adds a consumer to the group; returns whether it was new.
    @discardableResult
    public func streamCreateConsumer(_ key: String, group: String, consumer: String) async throws -> Bool {
        try Self.flag(
            await send(RedisCommand("XGROUP", "CREATECONSUMER", prefixed(key), .string(group), .string(consumer))))
    }

    /// `XGROUP DELCONSUMER`: removes a consumer; returns how many entries it had pending
    /// (they are no longer pending for anyone).
    @discardableResult
    public func streamDeleteConsumer(_ key: String, group: String, consumer: String) async throws -> Int {
        Int(try Self.integer(
            await send(RedisCommand("XGROUP", "DELCONSUMER", prefixed(key), .string(group), .string(consumer)))))
    }

    /// `XREADGROUP`: reads entries as `consumer` of `group`, by stream key. The id `>`
    /// asks for entries never delivered to the group; any other id re-reads this
    /// consumer's pending entries after it.
    ///
    /// Entries read stay pending until acknowledged with ``streamAcknowledge(_:group:ids:)``,
    /// unless `noAck` is set. `block` waits as for ``streamRead(_:count:block:)``.
    ///
    /// ```swift
    /// let batch = try await connection.streamReadGroup(
    ///     group: "mailer", consumer: "worker-1", streams: ["events": ">"], count: 10, block: .seconds(5))
    /// ```
    public func streamReadGroup(
        group: String, consumer: String, streams: KeyValuePairs<String, String>, count: Int? = nil,
        block: Duration? = nil, noAck: Bool = false
    ) async throws -> [String: [RedisStreamEntry]] {
        var command = RedisCommand("XREADGROUP", "GROUP", .string(group), .string(consumer))
        appendReadOptions(
            to: &command, count: count, block: block, noAck: noAck, streams: streams.map { ($0.key, $0.value) })
        return try streamReadReply(await send(command))
    }

    /// `XACK`: marks entries as processed by the group; returns how many were pending.
    @discardableResult
    public func streamAcknowledge(_ key: String, group: String, ids: [String]) async throws -> Int {
        Int(try Self.integer(
            await send(RedisCommand("XACK", arguments: [prefixed(key), .string(group)] + ids.map { .string($0) }))))
    }

    /// `XPENDING` (summary): how many entries the group has pending, and for whom.
    public func streamPending(_ key: String, group: String) async throws -> RedisStreamPendingSummary {
        let reply = try await send(RedisCommand("XPENDING", prefixed(key), .string(group)))
        let parts = try Self.array(reply)
        guard parts.count == 4, let count = parts[0].integer else {
            throw RedisProtocolError.unexpected(reply, expected: "an XPENDING summary")
        }
        var consumers: [String: Int] = [:]
        if !parts[3].isNull {
            for consumer in try Self.array(parts[3]) {
                let pair = try Self.array(consumer)
                guard pair.count == 2, let name = pair[0].string, let pending = pair[1].integer else {
                    throw RedisProtocolError.unexpected(consumer, expected: "[consumer, count]")
                }
                consumers[name] = Int(pending)
            }
        }
        return RedisStreamPendingSummary(
            count: Int(count), smallestID: parts[1].string, greatestID: parts[2].string, consumers: consumers)
    }

    /// `XPENDING` (extended): up to `count` pending entries with ids from `start` to `end`,
    /// optionally only those idle for at least `minIdle` or owned by `consumer`.
    public func streamPending(
        _ key: String, group: String, from start: String = "-", to end: String = "+", count: Int,
        consumer: String? = nil, minIdle: Duration? = nil
    ) async throws -> [RedisStreamPendingEntry] {
        var command = RedisCommand("XPENDING", prefixed(key), .string(group))
        if let minIdle { command.arguments += ["IDLE", .integer(minIdle.redisMilliseconds)] }
        command.arguments += [.string(start), .string(end), .integer(Int64(count))]
        if let consumer { command.arguments.append(.string(consumer)) }
        return try Self.array(await send(command)).map { value in
            let parts = try Self.array(value)
            guard parts.count == 4, let id = parts[0].string, let owner = parts[1].string,
                let idle = parts[2].integer, let deliveries = parts[3].integer
            else { throw RedisProtocolError.unexpected(value, expected: "[id, consumer, idle, deliveries]") }
            return RedisStreamPendingEntry(id: id, consumer: owner, idle: .milliseconds(idle), deliveries: Int(deliveries))
        }
    }

    /// `XCLAIM`: takes over pending entries idle for at least `minIdle`, giving them to
    /// `consumer`; returns the entries claimed (entries deleted meanwhile are left out).
    public func streamClaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, ids: [String]
    ) async throws -> [RedisStreamEntry] {
        let command = RedisCommand(
            "XCLAIM",
            arguments: [prefixed(key), .string(group), .string(consumer), .integer(minIdle.redisMilliseconds)]
                + ids.map { .string($0) })
        return try Self.streamEntries(await send(command))
    }

    /// `XAUTOCLAIM`: scans the pending list from `start` and claims up to `count` entries
    /// idle for at least `minIdle` for `consumer`. Call again with
    /// ``RedisStreamAutoClaim/nextStart`` until it is `0-0` to scan everything.
    ///
    /// ```swift
    /// let claimed = try await connection.streamAutoClaim("events", group: "mailer", consumer: "worker-2",
    ///                                                    minIdle: .seconds(30))
    /// ```
    public func streamAutoClaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int? = nil
    ) async throws -> RedisStreamAutoClaim {
        var command = RedisCommand(
            "XAUTOCLAIM", prefixed(key), .string(group), .string(consumer), .integer(minIdle.redisMilliseconds),
            .string(start))
        if let count { command.arguments += ["COUNT", .integer(Int64(count))] }
        let reply = try await send(command)
        let parts = try Self.array(reply)
        guard parts.count >= 2, let next = parts[0].string else {
            throw RedisProtocolError.unexpected(reply, expected: "[next, entries, deleted]")
        }
        let deleted = parts.count > 2 ? try Self.bytesArray(parts[2]).map { String(buffer: $0) } : []
        return RedisStreamAutoClaim(nextStart: next, entries: try Self.streamEntries(parts[1]), deletedIDs: deleted)
    }

    /// `XINFO GROUPS`: the stream's consumer groups.
    public func streamGroups(_ key: String) async throws -> [RedisStreamGroupInfo] {
        try Self.array(await send(RedisCommand("XINFO", "GROUPS", prefixed(key)))).map { value in
            let fields = try Self.infoFields(value)
            guard let name = fields["name"]?.string, let consumers = fields["consumers"]?.integer,
                let pending = fields["pending"]?.integer, let last = fields["last-delivered-id"]?.string
            else { throw RedisProtocolError.unexpected(value, expected: "XINFO GROUPS fields") }
            return RedisStreamGroupInfo(
                name: name, consumers: Int(consumers), pending: Int(pending), lastDeliveredID: last)
        }
    }
}
