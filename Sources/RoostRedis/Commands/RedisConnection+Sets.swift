import NIOCore

extension RedisConnection {
    /// `SADD`: adds `members` to the set at `key` (creating it); returns how many were new.
    ///
    /// ```swift
    /// try await connection.setAdd(["admin", "editor"], to: "user:42:roles")
    /// ```
    @discardableResult
    public func setAdd(_ members: [RedisArgument], to key: String) async throws -> Int {
        guard !members.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("SADD", arguments: [prefixed(key)] + members))))
    }

    /// `SREM`: removes `members` from the set at `key`; returns how many were there.
    @discardableResult
    public func setRemove(_ members: [RedisArgument], from key: String) async throws -> Int {
        guard !members.isEmpty else { return 0 }
        return Int(try Self.integer(await send(RedisCommand("SREM", arguments: [prefixed(key)] + members))))
    }

    /// `SMEMBERS`: every member of the set at `key`, as bytes, in no particular order;
    /// empty when the key does not exist.
    public func setMembers(_ key: String) async throws -> [ByteBuffer] {
        try Self.bytesArray(await send(RedisCommand("SMEMBERS", prefixed(key))))
    }

    /// `SMEMBERS`: every member of the set at `key`, as UTF-8 strings; empty when the key
    /// does not exist.
    ///
    /// ```swift
    /// let roles = try await connection.setMemberStrings("user:42:roles")  // ["admin", "editor"]
    /// ```
    public func setMemberStrings(_ key: String) async throws -> Set<String> {
        Set(try await setMembers(key).map { String(buffer: $0) })
    }

    /// `SISMEMBER`: whether `member` is in the set at `key`.
    public func setContains(_ key: String, member: RedisArgument) async throws -> Bool {
        try Self.flag(await send(RedisCommand("SISMEMBER", prefixed(key), member)))
    }

    /// `SCARD`: how many members the set at `key` has (0 when the key does not exist).
    public func setCount(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("SCARD", prefixed(key)))))
    }
}
