import NIOCore

extension RedisConnection {
    /// `XADD`: appends an entry to the stream at `key` and returns its id.
    ///
    /// `id` defaults to `*` (the server picks one). `trim` bounds the stream in the same
    /// call. With `createStream: false` (`NOMKSTREAM`) a missing stream is not created and
    /// `nil` is returned.
    ///
    /// ```swift
    /// let id = try await connection.streamAdd("events", fields: ["type": "signup", "user": "42"],
    ///                                         trim: .maxLength(10_000))
    /// ```
    @discardableResult
    public func streamAdd(
        _ key: String, id: String = "*", fields: KeyValuePairs<String, RedisArgument>, trim: RedisStreamTrim? = nil,
        createStream: Bool = true
    ) async throws -> String? {
        try await streamAdd(key, id: id, fieldList: fields.map { ($0.key, $0.value) }, trim: trim, createStream: createStream)
    }

    /// `XADD` with fields built at run time; see ``streamAdd(_:id:fields:trim:createStream:)``.
    @discardableResult
    public func streamAdd(
        _ key: String, id: String = "*", fieldList: [(String, RedisArgument)], trim: RedisStreamTrim? = nil,
        createStream: Bool = true
    ) async throws -> String? {
        var arguments: [RedisArgument] = [prefixed(key)]
        if !createStream { arguments.append("NOMKSTREAM") }
        if let trim { arguments += trim.arguments }
        arguments.append(.string(id))
        for (name, value) in fieldList {
            arguments.append(.string(name))
            arguments.append(value)
        }
        let reply = try await send(RedisCommand("XADD", arguments: arguments))
        if reply.isNull { return nil }
        guard let added = reply.string else { throw RedisProtocolError.unexpected(reply, expected: "an entry id") }
        return added
    }

    /// `XLEN`: the number of entries in the stream (0 when it does not exist).
    public func streamLength(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("XLEN", prefixed(key)))))
    }

    /// `XRANGE` (or `XREVRANGE` when `reversed`): the entries with ids from `start` to
    /// `end`, inclusive. `-` and `+` are the smallest and greatest ids; prefix an id with
    /// `(` to exclude it.
    ///
    /// ```swift
    /// let latest = try await connection.streamRange("events", reversed: true, count: 10)
    /// ```
    public func streamRange(
        _ key: String, from start: String = "-", to end: String = "+", reversed: Bool = false, count: Int? = nil
    ) async throws -> [RedisStreamEntry] {
        var command = reversed
            ? RedisCommand("XREVRANGE", prefixed(key), .string(end), .string(start))
            : RedisCommand("XRANGE", prefixed(key), .string(start), .string(end))
        if let count { command.arguments += ["COUNT", .integer(Int64(count))] }
        return try Self.streamEntries(await send(command))
    }

    /// `XREAD`: entries after the given id of each stream (`$` for only new ones), by
    /// stream key; streams without new entries are absent.
    ///
    /// With `block`, waits up to that long for an entry (`.zero` waits forever) and returns
    /// an empty dictionary on timeout. Blocking reads run under the connection's blocking
    /// command timeout, not the ordinary one.
    ///
    /// ```swift
    /// let new = try await connection.streamRead(["events": lastID], count: 100, block: .seconds(5))
    /// ```
    public func streamRead(
        _ streams: KeyValuePairs<String, String>, count: Int? = nil, block: Duration? = nil
    ) async throws -> [String: [RedisStreamEntry]] {
        var command = RedisCommand("XREAD", arguments: [])
        appendReadOptions(to: &command, count: count, block: block, streams: streams.map { ($0.key, $0.value) })
        return try streamReadReply(await send(command))
    }

    /// `XDEL`: removes entries by id; returns how many existed.
    @discardableResult
    public func streamDelete(_ key: String, ids: [String]) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("XDEL", arguments: [prefixed(key)] + ids.map { .string($0) }))))
    }

    /// `XTRIM`: bounds the stream; returns how many entries were removed.
    @discardableResult
    public func streamTrim(_ key: String, _ trim: RedisStreamTrim) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("XTRIM", arguments: [prefixed(key)] + trim.arguments))))
    }

    /// `XINFO STREAM`: length, groups, last id, first and last entries.
    public func streamInfo(_ key: String) async throws -> RedisStreamInfo {
        let reply = try await send(RedisCommand("XINFO", "STREAM", prefixed(key)))
        let fields = try Self.infoFields(reply)
        guard let length = fields["length"]?.integer, let groups = fields["groups"]?.integer,
            let last = fields["last-generated-id"]?.string
        else { throw RedisProtocolError.unexpected(reply, expected: "XINFO STREAM fields") }
        return RedisStreamInfo(
            length: Int(length), groups: Int(groups), lastGeneratedID: last,
            firstEntry: try fields["first-entry"].flatMap { $0.isNull ? nil : try Self.streamEntry($0) },
            lastEntry: try fields["last-entry"].flatMap { $0.isNull ? nil : try Self.streamEntry($0) })
    }

    /// The reply of `XREAD`/`XREADGROUP`, by stream key without the key prefix.
    func streamReadReply(_ reply: RESPValue) throws -> [String: [RedisStreamEntry]] {
        let byKey = try Self.streamReadReply(reply)
        guard configuration.keyPrefix != nil else { return byKey }
        return Dictionary(byKey.map { (unprefixed($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// `COUNT`, `BLOCK`, `NOACK` and `STREAMS k1 k2 id1 id2` for `XREAD` and `XREADGROUP`; marks the
    /// command blocking when `block` is set.
    func appendReadOptions(
        to command: inout RedisCommand, count: Int?, block: Duration?, noAck: Bool = false, streams: [(String, String)]
    ) {
        if let count { command.arguments += ["COUNT", .integer(Int64(count))] }
        if let block {
            command.arguments += ["BLOCK", .integer(block == .zero ? 0 : block.redisMilliseconds)]
            command.isBlocking = true
        }
        if noAck { command.arguments.append("NOACK") }
        command.arguments.append("STREAMS")
        command.arguments += streams.map { prefixed($0.0) }
        command.arguments += streams.map { .string($0.1) }
    }
}
