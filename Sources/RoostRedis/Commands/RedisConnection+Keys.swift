import NIOCore

/// When ``RedisConnection/expire(_:after:condition:)`` sets a key's expiry, depending on
/// the expiry it already has.
public enum RedisExpiryCondition: Hashable, Sendable {
    /// Always.
    case always
    /// Only if the key has no expiry yet (`NX`).
    case ifNoExpiry
    /// Only if the key already has an expiry (`XX`).
    case ifHasExpiry
    /// Only if the new expiry is later than the current one (`GT`; no expiry counts as
    /// infinitely late).
    case ifLater
    /// Only if the new expiry is earlier than the current one (`LT`; no expiry counts as
    /// infinitely late).
    case ifEarlier

    var argument: RedisArgument? {
        switch self {
        case .always: nil
        case .ifNoExpiry: "NX"
        case .ifHasExpiry: "XX"
        case .ifLater: "GT"
        case .ifEarlier: "LT"
        }
    }
}

/// How long a key has left to live, as ``RedisConnection/timeToLive(_:)`` reports it.
public enum RedisTimeToLive: Hashable, Sendable {
    /// The key does not exist.
    case noKey
    /// The key exists and never expires.
    case noExpiry
    /// The key expires after this duration (millisecond precision).
    case expires(in: Duration)
}

/// The type of the value stored at a key, as `TYPE` reports it.
///
/// ```swift
/// if try await connection.keyType("queue") == .list { ... }
/// ```
public struct RedisKeyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name the server uses (`string`, `zset`, ...).
    public let rawValue: String
    /// Creates a type from the server's name for it.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A string (`string`).
    public static let string = RedisKeyType(rawValue: "string")
    /// A list (`list`).
    public static let list = RedisKeyType(rawValue: "list")
    /// A set (`set`).
    public static let set = RedisKeyType(rawValue: "set")
    /// A sorted set (`zset`).
    public static let sortedSet = RedisKeyType(rawValue: "zset")
    /// A hash (`hash`).
    public static let hash = RedisKeyType(rawValue: "hash")
    /// A stream (`stream`).
    public static let stream = RedisKeyType(rawValue: "stream")

    /// The server's name for the type.
    public var description: String { rawValue }
}

extension RedisConnection {
    /// `UNLINK`: removes the keys, reclaiming their memory in the background; returns how
    /// many existed.
    ///
    /// ```swift
    /// try await connection.unlink("cache:a", "cache:b")
    /// ```
    @discardableResult
    public func unlink(_ keys: String...) async throws -> Int {
        try await unlink(keys)
    }

    /// `UNLINK`: removes the keys, reclaiming their memory in the background; returns how
    /// many existed.
    @discardableResult
    public func unlink(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("UNLINK", arguments: keys.map(prefixed)))))
    }

    /// `EXISTS`: whether `key` exists.
    ///
    /// ```swift
    /// if try await connection.exists("session:42") { ... }
    /// ```
    public func exists(_ key: String) async throws -> Bool {
        try await countExisting([key]) > 0
    }

    /// `EXISTS`: how many of `keys` exist (a key named twice counts twice).
    public func countExisting(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("EXISTS", arguments: keys.map(prefixed)))))
    }

    /// `EXPIRE` (whole seconds) or `PEXPIRE` (otherwise): makes `key` expire after
    /// `duration`. Returns `false` when the key does not exist or `condition` prevented
    /// the change. A duration of zero or less deletes the key.
    ///
    /// ```swift
    /// try await connection.expire("session:42", after: .seconds(3600))
    /// let extended = try await connection.expire("session:42", after: .seconds(7200), condition: .ifLater)
    /// ```
    @discardableResult
    public func expire(
        _ key: String, after duration: Duration, condition: RedisExpiryCondition = .always
    ) async throws -> Bool {
        let (seconds, attoseconds) = duration.components
        var command =
            attoseconds == 0
            ? RedisCommand("EXPIRE", prefixed(key), .integer(seconds))
            : RedisCommand("PEXPIRE", prefixed(key), .integer(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        if let argument = condition.argument { command.arguments.append(argument) }
        return try Self.flag(await send(command))
    }

    /// `PERSIST`: removes the expiry of `key`. Returns `false` when the key does not exist
    /// or had no expiry.
    @discardableResult
    public func persist(_ key: String) async throws -> Bool {
        try Self.flag(await send(RedisCommand("PERSIST", prefixed(key))))
    }

    /// `PTTL`: how long `key` has left to live, telling a missing key from one without
    /// an expiry.
    ///
    /// ```swift
    /// switch try await connection.timeToLive("session:42") {
    /// case .expires(let remaining): print("expires in \(remaining)")
    /// case .noExpiry: print("kept forever")
    /// case .noKey: print("gone")
    /// }
    /// ```
    public func timeToLive(_ key: String) async throws -> RedisTimeToLive {
        let reply = try await send(RedisCommand("PTTL", prefixed(key)))
        switch try Self.integer(reply) {
        case -2: return .noKey
        case -1: return .noExpiry
        case let milliseconds where milliseconds >= 0: return .expires(in: .milliseconds(milliseconds))
        default: throw RedisProtocolError(.unexpectedReply, "expected a time to live of -2, -1 or more, got \(reply)")
        }
    }

    /// `TYPE`: the type of the value at `key`, or `nil` when the key does not exist.
    public func keyType(_ key: String) async throws -> RedisKeyType? {
        let reply = try await send(RedisCommand("TYPE", prefixed(key)))
        guard let name = reply.string else { throw RedisProtocolError.unexpected(reply, expected: "a type name") }
        return name == "none" ? nil : RedisKeyType(rawValue: name)
    }

    /// `RENAME`, or `RENAMENX` when `onlyIfAbsent` is set: renames `key` to `newKey`.
    /// Returns `false` when `onlyIfAbsent` is set and `newKey` exists.
    ///
    /// A missing `key` fails with ``RedisServerError`` (`ERR no such key`).
    ///
    /// ```swift
    /// try await connection.rename("report:draft", to: "report:final")
    /// ```
    @discardableResult
    public func rename(_ key: String, to newKey: String, onlyIfAbsent: Bool = false) async throws -> Bool {
        if onlyIfAbsent {
            return try Self.flag(await send(RedisCommand("RENAMENX", prefixed(key), prefixed(newKey))))
        }
        let reply = try await send(RedisCommand("RENAME", prefixed(key), prefixed(newKey)))
        guard reply.string != nil else { throw RedisProtocolError.unexpected(reply, expected: "OK") }
        return true
    }

    /// `SCAN`: every key matching `pattern` (and of `type`, if given), fetched page by page
    /// as the sequence is iterated.
    ///
    /// `count` is a hint for how many keys the server examines per page. As with `SCAN`
    /// itself, a key present throughout the iteration is returned at least once; a key
    /// may be returned more than once.
    ///
    /// ```swift
    /// for try await key in connection.scan(matching: "session:*", count: 500) {
    ///     try await connection.unlink(key)
    /// }
    /// ```
    public func scan(matching pattern: String? = nil, count: Int? = nil, type: RedisKeyType? = nil) -> RedisKeyScan {
        var arguments: [RedisArgument] = []
        if let pattern {
            arguments += ["MATCH", prefixed(pattern)]
        } else if let prefix = configuration.keyPrefix {
            arguments += ["MATCH", .string(prefix + "*")]
        }
        if let count { arguments += ["COUNT", .integer(Int64(count))] }
        if let type { arguments += ["TYPE", .string(type.rawValue)] }
        return RedisKeyScan(connection: self, arguments: arguments)
    }
}
