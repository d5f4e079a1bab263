import NIOCore

/// A command queued in a transaction; after `EXEC`, read its typed result from the
/// ``RedisTransactionResult``.
public struct RedisQueued<Value>: Sendable {
    /// The command's position in the transaction.
    public let index: Int
    let decode: @Sendable (RESPValue) throws -> Value
}

/// The commands of one `MULTI`/`EXEC` transaction, collected by the body of
/// ``RedisConnection/transaction(watching:_:)``.
///
/// Queuing sends nothing: when the body returns, `MULTI`, the commands and `EXEC` are
/// written together, so commands other tasks send on the same connection cannot slip
/// between them. The typed helpers apply the connection's key prefix; ``queue(_:)`` sends
/// commands as given.
///
/// ```swift
/// let result = try await connection.transaction { tx in
///     (tx.increment("visits"), tx.get("greeting"))
/// }
/// let visits = try result[result.queued.0]    // Int64
/// let greeting = try result[result.queued.1]  // ByteBuffer?
/// ```
public final class RedisTransaction {
    private(set) var commands: [RedisCommand] = []
    private let connection: RedisConnection

    init(connection: RedisConnection) {
        self.connection = connection
    }

    /// Queues any command; its result is the raw reply.
    @discardableResult
    public func queue(_ command: RedisCommand) -> RedisQueued<RESPValue> {
        queue(command) { $0 }
    }

    /// Queues any command with a decoder for its reply.
    ///
    /// ```swift
    /// let length = tx.queue(RedisCommand("STRLEN", "greeting")) { $0.integer ?? 0 }
    /// ```
    public func queue<Value>(
        _ command: RedisCommand, decode: @escaping @Sendable (RESPValue) throws -> Value
    ) -> RedisQueued<Value> {
        commands.append(command)
        return RedisQueued(index: commands.count - 1, decode: decode)
    }

    /// Queues `SET`; the result says whether the value was written (see
    /// ``RedisConnection/set(_:to:expiration:condition:)``).
    @discardableResult
    public func set(
        _ key: String, to value: RedisArgument, expiration: RedisExpiration? = nil,
        condition: RedisSetCondition = .always
    ) -> RedisQueued<Bool> {
        queue(RedisConnection.setCommand(connection.prefixed(key), value, expiration, condition, returnPrevious: false)) { !$0.isNull }
    }

    /// Queues `GET`; the result is the value, or `nil` when the key does not exist.
    public func get(_ key: String) -> RedisQueued<ByteBuffer?> {
        queue(RedisCommand("GET", connection.prefixed(key)), decode: RedisConnection.optionalBytes)
    }

    /// Queues `INCRBY`; the result is the new value.
    @discardableResult
    public func increment(_ key: String, by amount: Int64 = 1) -> RedisQueued<Int64> {
        queue(RedisCommand("INCRBY", connection.prefixed(key), .integer(amount)), decode: RedisConnection.integer)
    }

    /// Queues `DEL`; the result is how many of the keys existed.
    @discardableResult
    public func delete(_ keys: String...) -> RedisQueued<Int> {
        queue(RedisCommand("DEL", arguments: keys.map(connection.prefixed))) { Int(try RedisConnection.integer($0)) }
    }

    /// Queues `PEXPIRE`; the result says whether the key exists and got the expiry.
    @discardableResult
    public func expire(_ key: String, after duration: Duration) -> RedisQueued<Bool> {
        queue(RedisCommand("PEXPIRE", connection.prefixed(key), .integer(duration.redisMilliseconds)), decode: RedisConnection.flag)
    }
}

/// The outcome of an executed transaction: what the body returned, and every command's
/// reply.
public struct RedisTransactionResult<Queued> {
    /// What the transaction's body returned (usually its ``RedisQueued`` handles).
    public let queued: Queued
    /// Each command's reply in order; a command that failed at run time (`WRONGTYPE`,
    /// say) holds its ``RedisServerError`` while the others still ran.
    public let replies: [Result<RESPValue, RedisServerError>]

    /// The typed result of one queued command; throws its ``RedisServerError``, or a
    /// ``RedisProtocolError`` when the reply does not have the expected type.
    public subscript<Value>(_ handle: RedisQueued<Value>) -> Value {
        get throws { try handle.decode(replies[handle.index].get()) }
    }
}

extension RedisTransactionResult: Sendable where Queued: Sendable {}
