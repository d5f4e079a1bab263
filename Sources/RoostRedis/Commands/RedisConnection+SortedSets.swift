import NIOCore

extension RedisConnection {
    /// `ZADD`: adds `members` with their scores to the sorted set at `key`, or updates
    /// their scores, as `condition` allows. Returns how many members were added, or, with
    /// `countChanged` (`CH`), how many were added or had their score changed.
    ///
    /// `.onlyNew` may not be combined with `.ifGreater`/`.ifLess` on the server, so they
    /// are one choice here.
    ///
    /// ```swift
    /// try await connection.sortedSetAdd([("alice", 120), ("bob", 95)], to: "leaderboard")
    /// try await connection.sortedSetAdd([("bob", 130)], to: "leaderboard", condition: .ifGreater)
    /// ```
    @discardableResult
    public func sortedSetAdd(
        _ members: [(member: RedisArgument, score: Double)], to key: String,
        condition: RedisSortedSetAddCondition = .always, countChanged: Bool = false
    ) async throws -> Int {
        guard !members.isEmpty else { return 0 }
        var arguments: [RedisArgument] = [prefixed(key)]
        if let argument = condition.argument { arguments.append(argument) }
        if countChanged { arguments.append("CH") }
        for (member, score) in members { arguments += [.double(score), member] }
        return Int(try Self.integer(await send(RedisCommand("ZADD", arguments: arguments))))
    }

    /// `ZRANGE`: the members in `range`, lowest score first (highest first when `reversed`),
    /// skipping `limit.offset` and returning at most `limit.count` of them.
    ///
    /// Give score and lex bounds from low to high even when `reversed`. A `limit` only
    /// works with score and lex ranges; with a rank range it fails with
    /// ``RedisServerError`` (`ERR`).
    ///
    /// ```swift
    /// let top3 = try await connection.sortedSetRange("leaderboard", .rank(0, 2), reversed: true)
    /// let passing = try await connection.sortedSetRange("scores", .score(.inclusive(50), .positiveInfinity))
    /// ```
    public func sortedSetRange(
        _ key: String, _ range: RedisSortedSetRange, reversed: Bool = false, limit: (offset: Int, count: Int)? = nil
    ) async throws -> [ByteBuffer] {
        try Self.bytesArray(await send(Self.rangeCommand(prefixed(key), range, reversed, limit, withScores: false)))
    }

    /// `ZRANGE ... WITHSCORES`: like ``sortedSetRange(_:_:reversed:limit:)``, with each
    /// member's score. The server refuses scores for a lex range (``RedisServerError``).
    public func sortedSetRangeWithScores(
        _ key: String, _ range: RedisSortedSetRange, reversed: Bool = false, limit: (offset: Int, count: Int)? = nil
    ) async throws -> [RedisScoredMember] {
        try Self.scoredMembers(await send(Self.rangeCommand(prefixed(key), range, reversed, limit, withScores: true)))
    }

    /// `ZINCRBY`: adds `amount` to the score of `member` (0 if missing) and returns the new
    /// score.
    @discardableResult
    public func sortedSetIncrement(_ key: String, member: RedisArgument, by amount: Double) async throws -> Double {
        let reply = try await send(RedisCommand("ZINCRBY", prefixed(key), .double(amount), member))
        guard let score = reply.double else { throw RedisProtocolError.unexpected(reply, expected: "a score") }
        return score
    }

    /// `ZPOPMIN`: removes and returns up to `count` members with the lowest scores, lowest
    /// first; empty when the key does not exist.
    ///
    /// ```swift
    /// let next = try await connection.sortedSetPopMin("delayed-jobs")
    /// ```
    public func sortedSetPopMin(_ key: String, count: Int = 1) async throws -> [RedisScoredMember] {
        try Self.scoredMembers(await send(RedisCommand("ZPOPMIN", prefixed(key), .integer(Int64(count)))))
    }

    /// `ZSCORE`: the score of `member`, or `nil` when the key or the member does not exist.
    public func sortedSetScore(_ key: String, member: RedisArgument) async throws -> Double? {
        let reply = try await send(RedisCommand("ZSCORE", prefixed(key), member))
        if reply.isNull { return nil }
        guard let score = reply.double else { throw RedisProtocolError.unexpected(reply, expected: "a score or null") }
        return score
    }

    /// `ZREM`: removes `members` from the sorted set at `key`; returns how many were there.
    @discardableResult
    public func sortedSetRemove(_ members: [RedisArgument], from key: String) async throws -> Int {
        guard !members.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("ZREM", arguments: [prefixed(key)] + members))))
    }

    /// `ZCARD`: how many members the sorted set at `key` has (0 when the key does not exist).
    public func sortedSetCount(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("ZCARD", prefixed(key)))))
    }

    static func rangeCommand(
        _ key: RedisArgument, _ range: RedisSortedSetRange, _ reversed: Bool, _ limit: (offset: Int, count: Int)?,
        withScores: Bool
    ) -> RedisCommand {
        var arguments: [RedisArgument] = [key]
        switch range {
        case .rank(let start, let stop):
            arguments += [.integer(Int64(start)), .integer(Int64(stop))]
        case .score(let low, let high):
            arguments += reversed ? [high.argument, low.argument] : [low.argument, high.argument]
            arguments.append("BYSCORE")
        case .lex(let low, let high):
            arguments += reversed ? [high.argument, low.argument] : [low.argument, high.argument]
            arguments.append("BYLEX")
        }
        if reversed { arguments.append("REV") }
        if let limit { arguments += ["LIMIT", .integer(Int64(limit.offset)), .integer(Int64(limit.count))] }
        if withScores { arguments.append("WITHSCORES") }
        return RedisCommand("ZRANGE", arguments: arguments)
    }

    /// Members with scores: RESP3 `[[member, score], ...]` or RESP2 `[member, score, ...]`.
    static func scoredMembers(_ reply: RESPValue) throws -> [RedisScoredMember] {
        if reply.isNull { return [] }
        let values = try array(reply)
        let flat: [RESPValue]
        if values.allSatisfy({ $0.array != nil }) {
            flat = try values.flatMap { pair in
                guard let parts = pair.array, parts.count == 2 else {
                    throw RedisProtocolError.unexpected(pair, expected: "a member and a score")
                }
                return parts
            }
        } else {
            flat = values
        }
        guard flat.count.isMultiple(of: 2) else {
            throw RedisProtocolError(.unexpectedReply, "expected members and scores, got \(flat.count) values")
        }
        return try stride(from: 0, to: flat.count, by: 2).map { index in
            guard let member = flat[index].bytes, let score = flat[index + 1].double else {
                throw RedisProtocolError.unexpected(flat[index + 1], expected: "a member and its score")
            }
            return RedisScoredMember(member: member, score: score)
        }
    }
}
