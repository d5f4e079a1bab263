import NIOCore

/// One end of a list: the head (`LEFT`) or the tail (`RIGHT`).
public enum RedisListEnd: Hashable, Sendable {
    /// The head of the list, index 0.
    case left
    /// The tail of the list, index -1.
    case right

    var argument: RedisArgument { self == .left ? "LEFT" : "RIGHT" }
}

extension RedisConnection {
    /// `LPUSH` or `RPUSH`: adds `values` at one end of the list at `key` (creating it);
    /// returns the list's new length. With `LPUSH` the last value ends up first.
    ///
    /// ```swift
    /// try await connection.push(["job-1", "job-2"], to: "queue", at: .right)
    /// ```
    @discardableResult
    public func push(_ values: [RedisArgument], to key: String, at end: RedisListEnd) async throws -> Int {
        guard !values.isEmpty else { return try await listLength(key) }
        let name = end == .left ? "LPUSH" : "RPUSH"
        return Int(try Self.integer(await send(RedisCommand(name, arguments: [prefixed(key)] + values))))
    }

    /// `LPOP` or `RPOP`: removes and returns the element at one end of the list at `key`,
    /// or `nil` when the list is empty or missing.
    ///
    /// ```swift
    /// let job = try await connection.pop(from: "queue", at: .left)
    /// ```
    public func pop(from key: String, at end: RedisListEnd) async throws -> ByteBuffer? {
        try Self.optionalBytes(await send(RedisCommand(end == .left ? "LPOP" : "RPOP", prefixed(key))))
    }

    /// `LPOP key count` or `RPOP key count`: removes and returns up to `count` elements from
    /// one end, in the order they were popped; empty when the list is empty or missing.
    public func pop(_ count: Int, from key: String, at end: RedisListEnd) async throws -> [ByteBuffer] {
        let reply = try await send(
            RedisCommand(end == .left ? "LPOP" : "RPOP", prefixed(key), .integer(Int64(count))))
        if reply.isNull { return [] }
        return try Self.bytesArray(reply)
    }

    /// `LRANGE`: the elements from index `start` to `stop`, both included; negative indices
    /// count from the tail (-1 is the last). Empty when the key does not exist.
    ///
    /// ```swift
    /// let everything = try await connection.listRange("queue", from: 0, to: -1)
    /// ```
    public func listRange(_ key: String, from start: Int, to stop: Int) async throws -> [ByteBuffer] {
        try Self.bytesArray(
            await send(RedisCommand("LRANGE", prefixed(key), .integer(Int64(start)), .integer(Int64(stop)))))
    }

    /// `LLEN`: the length of the list at `key` (0 when the key does not exist).
    public func listLength(_ key: String) async throws -> Int {
        Int(try Self.integer(await send(RedisCommand("LLEN", prefixed(key)))))
    }

    /// `LMOVE`: atomically pops an element from one end of `source` and pushes it to one
    /// end of `destination`; returns it, or `nil` when `source` is empty.
    ///
    /// ```swift
    /// let job = try await connection.move(from: "queue", at: .left, to: "processing", at: .right)
    /// ```
    @discardableResult
    public func move(
        from source: String, at sourceEnd: RedisListEnd, to destination: String, at destinationEnd: RedisListEnd
    ) async throws -> ByteBuffer? {
        let command = RedisCommand(
            "LMOVE", prefixed(source), prefixed(destination), sourceEnd.argument, destinationEnd.argument)
        return try Self.optionalBytes(await send(command))
    }

    /// `BLPOP` or `BRPOP`: pops from one end of the first non-empty list among `keys`,
    /// waiting up to `timeout` for one to get an element (`.zero` waits forever). Returns
    /// the list's key and the element, or `nil` on timeout.
    ///
    /// The command is blocking: its reply deadline is the connection's
    /// ``RedisConnectionConfiguration/blockingCommandTimeout``, which should be longer
    /// than `timeout`. While it waits, other commands on the same connection queue
    /// behind it, so use a dedicated connection for long waits.
    ///
    /// ```swift
    /// let popped = try await connection.blockingPop(from: ["high", "low"], at: .left, timeout: .seconds(5))
    /// if let (queue, job) = popped { ... }
    /// ```
    public func blockingPop(
        from keys: [String], at end: RedisListEnd, timeout: Duration
    ) async throws -> (key: String, value: ByteBuffer)? {
        let command = RedisCommand(
            end == .left ? "BLPOP" : "BRPOP", arguments: keys.map(prefixed) + [Self.timeoutArgument(timeout)],
            isBlocking: true)
        let reply = try await send(command)
        if reply.isNull { return nil }
        let parts = try Self.array(reply)
        guard parts.count == 2, let key = parts[0].string, let value = parts[1].bytes else {
            throw RedisProtocolError.unexpected(reply, expected: "a key and an element")
        }
        return (unprefixed(key), value)
    }

    /// `BLMOVE`: like ``move(from:at:to:at:)``, but waits up to `timeout` for `source` to
    /// get an element (`.zero` waits forever); `nil` on timeout. Blocking, like
    /// ``blockingPop(from:at:timeout:)``.
    @discardableResult
    public func blockingMove(
        from source: String, at sourceEnd: RedisListEnd, to destination: String, at destinationEnd: RedisListEnd,
        timeout: Duration
    ) async throws -> ByteBuffer? {
        let command = RedisCommand(
            "BLMOVE",
            arguments: [
                prefixed(source), prefixed(destination), sourceEnd.argument, destinationEnd.argument,
                Self.timeoutArgument(timeout),
            ], isBlocking: true)
        return try Self.optionalBytes(await send(command))
    }

    /// A blocking command's timeout in seconds, to the millisecond.
    static func timeoutArgument(_ timeout: Duration) -> RedisArgument {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return .double(Double(milliseconds) / 1000)
    }
}
