import NIOCore

extension RedisConnection {
    /// `MGET`: the values of `keys`, in order; `nil` where a key does not exist.
    ///
    /// ```swift
    /// let values = try await connection.get(["a", "b"])  // [ByteBuffer?]
    /// ```
    public func get(_ keys: [String]) async throws -> [ByteBuffer?] {
        guard !keys.isEmpty else { return [] }
        return try Self.optionalBytesArray(await send(RedisCommand("MGET", arguments: keys.map(prefixed))))
    }

    /// `MSET` (or `MSETNX` with `onlyIfNoneExist`): sets every pair at once. Returns `false`
    /// only when `onlyIfNoneExist` is set and one of the keys existed (then none is set).
    ///
    /// ```swift
    /// try await connection.set(["a": "1", "b": 2])
    /// ```
    @discardableResult
    public func set(_ values: KeyValuePairs<String, RedisArgument>, onlyIfNoneExist: Bool = false) async throws -> Bool {
        guard !values.isEmpty else { return true }
        var arguments: [RedisArgument] = []
        arguments.reserveCapacity(values.count * 2)
        for (key, value) in values { arguments += [prefixed(key), value] }
        let reply = try await send(RedisCommand(onlyIfNoneExist ? "MSETNX" : "MSET", arguments: arguments))
        return onlyIfNoneExist ? try Self.flag(reply) : true
    }

    /// `INCRBY`: adds `amount` (which may be negative) to the integer at `key`, 0 if
    /// missing; returns the new value.
    @discardableResult
    public func increment(_ key: String, by amount: Int64) async throws -> Int64 {
        try Self.integer(await send(RedisCommand("INCRBY", prefixed(key), .integer(amount))))
    }

    /// `DECRBY`: subtracts `amount` from the integer at `key`, 0 if missing; returns the
    /// new value.
    @discardableResult
    public func decrement(_ key: String, by amount: Int64 = 1) async throws -> Int64 {
        try Self.integer(await send(RedisCommand("DECRBY", prefixed(key), .integer(amount))))
    }

    /// `INCRBYFLOAT`: adds `amount` to the number at `key`, 0 if missing; returns the new
    /// value.
    @discardableResult
    public func increment(_ key: String, byFloat amount: Double) async throws -> Double {
        let reply = try await send(RedisCommand("INCRBYFLOAT", prefixed(key), .double(amount)))
        guard let value = reply.double else { throw RedisProtocolError.unexpected(reply, expected: "a number") }
        return value
    }

    /// `APPEND`: appends `value` to the string at `key` (creating it); returns the new
    /// length.
    @discardableResult
    public func append(_ value: RedisArgument, to key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("APPEND", prefixed(key), value))))
    }

    /// `STRLEN`: the length of the string at `key`, 0 when it does not exist.
    public func stringLength(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("STRLEN", prefixed(key)))))
    }

    /// `GETDEL`: the value of `key`, deleting the key; `nil` when it did not exist.
    public func getAndDelete(_ key: String) async throws -> ByteBuffer? {
        try Self.optionalBytes(await send(RedisCommand("GETDEL", prefixed(key))))
    }

    /// `GETEX`: the value of `key`, changing its expiry: a new one, or none at all with
    /// `persist`. ``RedisExpiration/keepTTL`` is not valid here and leaves it unchanged.
    ///
    /// ```swift
    /// let session = try await connection.getAndExpire("session:1", expiration: .seconds(1800))  // sliding expiry
    /// ```
    public func getAndExpire(_ key: String, expiration: RedisExpiration?, persist: Bool = false) async throws -> ByteBuffer? {
        var command = RedisCommand("GETEX", prefixed(key))
        if persist {
            command.arguments.append("PERSIST")
        } else if let expiration, expiration != .keepTTL {
            command.arguments += expiration.arguments
        }
        return try Self.optionalBytes(await send(command))
    }
}
