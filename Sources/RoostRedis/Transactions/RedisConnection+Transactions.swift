import NIOCore

extension RedisConnection {
    /// Runs a `MULTI`/`EXEC` transaction: `body` queues commands, which are then written
    /// with `MULTI` and `EXEC` in one go and run atomically on the server.
    ///
    /// With `watching` keys, `WATCH` is sent first and `body` may read them (with this
    /// connection) to decide what to queue; if another client changes any of them before
    /// `EXEC`, nothing runs and ``RedisTransactionError`` of kind
    /// ``RedisTransactionError/Kind/watchConflict`` is thrown, so the caller can retry.
    /// When `body` throws, nothing was queued on the server (commands are only written
    /// after it returns): the keys are unwatched and the error is rethrown.
    ///
    /// `WATCH` state belongs to the connection: use a connection no other task uses at the
    /// same time (``RedisConnectionPool/transaction(watching:_:)`` leases one).
    ///
    /// ```swift
    /// let result = try await connection.transaction(watching: ["balance"]) { tx in
    ///     let balance = Int(try await connection.getString("balance") ?? "0") ?? 0
    ///     return tx.set("balance", to: .integer(Int64(balance + 10)))
    /// }
    /// ```
    public func transaction<Queued>(
        watching keys: [String] = [], _ body: (RedisTransaction) async throws -> Queued
    ) async throws -> RedisTransactionResult<Queued> {
        if !keys.isEmpty { try await send(RedisCommand("WATCH", arguments: keys.map(prefixed))) }
        let transaction = RedisTransaction(connection: self)
        let queued: Queued
        do {
            queued = try await body(transaction)
        } catch {
            if !keys.isEmpty { try await send(RedisCommand("UNWATCH")) }
            throw error
        }
        return RedisTransactionResult(queued: queued, replies: try await runAtomically(transaction.commands))
    }

    /// Runs `commands` between `MULTI` and `EXEC`, all written in one pipeline, and returns
    /// each one's reply, in order.
    ///
    /// - Throws: ``RedisTransactionError`` `.rejected` when the server refused a command
    ///   while queuing it (nothing ran), `.watchConflict` when `EXEC` answers null.
    private func runAtomically(_ commands: [RedisCommand]) async throws -> [Result<RESPValue, RedisServerError>] {
        let pipelined = [RedisCommand("MULTI")] + commands + [RedisCommand("EXEC")]
        let results = try await pipeline(pipelined, timeout: nil)
        // A command refused while queuing (wrong arity, unknown command) aborts EXEC.
        for (offset, result) in results.dropLast().enumerated() {
            if case .failure(let error) = result {
                if offset == 0 { throw error }
                throw RedisTransactionError(.rejected, command: pipelined[offset].description, underlying: error)
            }
        }
        let exec = try results[results.count - 1].get()
        if exec.isNull { throw RedisTransactionError(.watchConflict, command: nil, underlying: nil) }
        let replies = try Self.array(exec).map { reply -> Result<RESPValue, RedisServerError> in
            if let message = reply.errorMessage { return .failure(RedisServerError(serverMessage: message)) }
            return .success(reply)
        }
        guard replies.count == commands.count else {
            throw RedisProtocolError(
                .unexpectedReply, "EXEC returned \(replies.count) replies for \(commands.count) commands")
        }
        return replies
    }
}

extension RedisConnectionPool {
    /// Runs a transaction on a leased connection; see
    /// ``RedisConnection/transaction(watching:_:)``. The connection is exclusive to the
    /// transaction, so `WATCH` is safe; `body` gets it to read watched keys.
    ///
    /// ```swift
    /// let result = try await pool.transaction(watching: ["stock"]) { tx, connection in
    ///     let stock = Int(try await connection.getString("stock") ?? "0") ?? 0
    ///     guard stock > 0 else { throw OutOfStock() }
    ///     return tx.set("stock", to: .integer(Int64(stock - 1)))
    /// }
    /// ```
    public func transaction<Queued: Sendable>(
        watching keys: [String] = [], _ body: (RedisTransaction, RedisConnection) async throws -> Queued
    ) async throws -> RedisTransactionResult<Queued> {
        try await withConnection { connection in
            try await connection.transaction(watching: keys) { try await body($0, connection) }
        }
    }
}
