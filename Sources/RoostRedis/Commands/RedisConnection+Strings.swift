import NIOCore

/// When a key set with ``RedisConnection/set(_:to:expiration:condition:)`` expires.
public enum RedisExpiration: Hashable, Sendable {
    /// After this many seconds (`EX`).
    case seconds(Int64)
    /// After this many milliseconds (`PX`).
    case milliseconds(Int64)
    /// At this Unix time, in seconds (`EXAT`).
    case unixSeconds(Int64)
    /// At this Unix time, in milliseconds (`PXAT`).
    case unixMilliseconds(Int64)
    /// Keep the time to live the key already has (`KEEPTTL`).
    case keepTTL

    /// After `duration`, to the millisecond (`PX`).
    public static func after(_ duration: Duration) -> RedisExpiration {
        let (seconds, attoseconds) = duration.components
        return .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    var arguments: [RedisArgument] {
        switch self {
        case .seconds(let value): ["EX", .integer(value)]
        case .milliseconds(let value): ["PX", .integer(value)]
        case .unixSeconds(let value): ["EXAT", .integer(value)]
        case .unixMilliseconds(let value): ["PXAT", .integer(value)]
        case .keepTTL: ["KEEPTTL"]
        }
    }
}

/// Whether ``RedisConnection/set(_:to:expiration:condition:)`` writes depending on the key's
/// existence.
public enum RedisSetCondition: Hashable, Sendable {
    /// Always write.
    case always
    /// Only if the key does not exist (`NX`).
    case ifNotExists
    /// Only if the key exists (`XX`).
    case ifExists
}

extension RedisConnection {
    /// `PING`: checks the connection; returns `PONG`, or `message` echoed back.
    ///
    /// ```swift
    /// let pong = try await connection.ping()  // "PONG"
    /// ```
    public func ping(_ message: String? = nil) async throws -> String {
        let reply = try await send(RedisCommand("PING", arguments: message.map { [.string($0)] } ?? []))
        guard let text = reply.string else { throw RedisProtocolError.unexpected(reply, expected: "a string") }
        return text
    }

    /// `GET`: the value of `key` as bytes, or `nil` when the key does not exist.
    public func get(_ key: String) async throws -> ByteBuffer? {
        try Self.optionalBytes(await send(RedisCommand("GET", prefixed(key))))
    }

    /// `GET`: the value of `key` as a UTF-8 string, or `nil` when the key does not exist.
    ///
    /// ```swift
    /// let name = try await connection.getString("user:1:name")
    /// ```
    public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(buffer: $0) }
    }

    /// `SET`: stores `value` at `key`. Returns `false` when `condition` prevented the write.
    ///
    /// ```swift
    /// let acquired = try await connection.set("lock", to: "token", expiration: .seconds(30), condition: .ifNotExists)
    /// ```
    @discardableResult
    public func set(
        _ key: String, to value: RedisArgument, expiration: RedisExpiration? = nil,
        condition: RedisSetCondition = .always
    ) async throws -> Bool {
        let reply = try await send(Self.setCommand(prefixed(key), value, expiration, condition, returnPrevious: false))
        switch reply.withoutAttributes {
        case .null: return false
        case .simpleString, .bulkString: return true
        default: throw RedisProtocolError.unexpected(reply, expected: "OK or null")
        }
    }

    /// `SET ... GET`: stores `value` at `key` and returns the value it replaced (`nil` when
    /// there was none). With a condition, the write may not happen; the old value is
    /// returned either way.
    public func setAndGet(
        _ key: String, to value: RedisArgument, expiration: RedisExpiration? = nil,
        condition: RedisSetCondition = .always
    ) async throws -> ByteBuffer? {
        try Self.optionalBytes(await send(Self.setCommand(prefixed(key), value, expiration, condition, returnPrevious: true)))
    }

    /// `DEL`: removes the keys; returns how many existed.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await delete(keys)
    }

    /// `DEL`: removes the keys; returns how many existed.
    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("DEL", arguments: keys.map(prefixed)))))
    }

    /// `INCR`: adds one to the integer at `key` (0 if missing) and returns the new value.
    ///
    /// A key holding a non-integer fails with ``RedisServerError`` (`ERR`); a key of another
    /// type with kind ``RedisServerError/Kind/wrongType``.
    @discardableResult
    public func increment(_ key: String) async throws -> Int64 {
        try Self.integer(await send(RedisCommand("INCR", prefixed(key))))
    }

    static func setCommand(
        _ key: RedisArgument, _ value: RedisArgument, _ expiration: RedisExpiration?, _ condition: RedisSetCondition,
        returnPrevious: Bool
    ) -> RedisCommand {
        var command = RedisCommand("SET", key, value)
        switch condition {
        case .always: break
        case .ifNotExists: command.arguments.append("NX")
        case .ifExists: command.arguments.append("XX")
        }
        if returnPrevious { command.arguments.append("GET") }
        if let expiration { command.arguments += expiration.arguments }
        return command
    }

    static func optionalBytes(_ reply: RESPValue) throws -> ByteBuffer? {
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw RedisProtocolError.unexpected(reply, expected: "a string or null") }
        return bytes
    }

    static func integer(_ reply: RESPValue) throws -> Int64 {
        guard case .integer(let value) = reply.withoutAttributes else {
            throw RedisProtocolError.unexpected(reply, expected: "an integer")
        }
        return value
    }
}
