import NIOCore

extension RedisConnection {
    /// `HSET`: sets the fields of the hash at `key`; returns how many fields were new.
    /// An empty dictionary sends nothing.
    ///
    /// ```swift
    /// try await connection.hashSet("user:42", fields: ["name": "Ada", "visits": 1])
    /// ```
    @discardableResult
    public func hashSet(_ key: String, fields: [String: RedisArgument]) async throws -> Int {
        guard !fields.isEmpty else { return 0 }
        var arguments: [RedisArgument] = [prefixed(key)]
        arguments.reserveCapacity(1 + 2 * fields.count)
        for (field, value) in fields { arguments += [.string(field), value] }
        return Int(try Self.integer(await send(RedisCommand("HSET", arguments: arguments))))
    }

    /// `HGET`: the value of `field` in the hash at `key` as bytes, or `nil` when the key or
    /// the field does not exist.
    public func hashGet(_ key: String, field: String) async throws -> ByteBuffer? {
        try Self.optionalBytes(await send(RedisCommand("HGET", prefixed(key), .string(field))))
    }

    /// `HGET`: the value of `field` in the hash at `key` as a UTF-8 string, or `nil` when
    /// the key or the field does not exist.
    ///
    /// ```swift
    /// let name = try await connection.hashGetString("user:42", field: "name")
    /// ```
    public func hashGetString(_ key: String, field: String) async throws -> String? {
        try await hashGet(key, field: field).map { String(buffer: $0) }
    }

    /// `HMGET`: the values of `fields`, in the same order, `nil` for each missing one.
    public func hashGet(_ key: String, fields: [String]) async throws -> [ByteBuffer?] {
        guard !fields.isEmpty else { return [] }
        let reply = try await send(RedisCommand("HMGET", arguments: [prefixed(key)] + fields.map { .string($0) }))
        let values = try Self.optionalBytesArray(reply)
        guard values.count == fields.count else {
            throw RedisProtocolError(.unexpectedReply, "expected \(fields.count) values, got \(values.count)")
        }
        return values
    }

    /// `HGETALL`: every field of the hash at `key` with its value as bytes; empty when the
    /// key does not exist.
    public func hashGetAll(_ key: String) async throws -> [String: ByteBuffer] {
        let pairs = try Self.pairs(await send(RedisCommand("HGETALL", prefixed(key))))
        var result: [String: ByteBuffer] = [:]
        result.reserveCapacity(pairs.count)
        for (field, value) in pairs {
            guard let bytes = value.bytes else { throw RedisProtocolError.unexpected(value, expected: "a string") }
            result[String(buffer: field)] = bytes
        }
        return result
    }

    /// `HGETALL`: every field of the hash at `key` with its value as a UTF-8 string; empty
    /// when the key does not exist.
    ///
    /// ```swift
    /// let user = try await connection.hashGetAllStrings("user:42")  // ["name": "Ada", "visits": "1"]
    /// ```
    public func hashGetAllStrings(_ key: String) async throws -> [String: String] {
        try await hashGetAll(key).mapValues { String(buffer: $0) }
    }

    /// `HDEL`: removes `fields` from the hash at `key`; returns how many existed.
    @discardableResult
    public func hashDelete(_ key: String, fields: [String]) async throws -> Int {
        guard !fields.isEmpty else { return 0 }
        let command = RedisCommand("HDEL", arguments: [prefixed(key)] + fields.map { .string($0) })
        return Int(try Self.integer(await send(command)))
    }

    /// `HINCRBY`: adds `amount` to the integer in `field` (0 if missing) and returns the
    /// new value. A field holding a non-integer fails with ``RedisServerError`` (`ERR`).
    ///
    /// ```swift
    /// let visits = try await connection.hashIncrement("user:42", field: "visits", by: 1)
    /// ```
    @discardableResult
    public func hashIncrement(_ key: String, field: String, by amount: Int64 = 1) async throws -> Int64 {
        try Self.integer(await send(RedisCommand("HINCRBY", prefixed(key), .string(field), .integer(amount))))
    }

    /// `HEXISTS`: whether `field` exists in the hash at `key`.
    public func hashFieldExists(_ key: String, field: String) async throws -> Bool {
        try Self.flag(await send(RedisCommand("HEXISTS", prefixed(key), .string(field))))
    }

    /// `HLEN`: how many fields the hash at `key` has (0 when the key does not exist).
    public func hashLength(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("HLEN", prefixed(key)))))
    }
}
