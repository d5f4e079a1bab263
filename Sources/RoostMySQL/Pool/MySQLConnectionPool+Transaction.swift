extension MySQLConnectionPool {
    /// Runs `body` in a transaction on one pooled connection: `BEGIN` before it, `COMMIT`
    /// when it returns, `ROLLBACK` when it throws or its task is cancelled.
    ///
    /// The `ROLLBACK` is sent even though the task is cancelled; when it cannot be sent,
    /// the connection is closed, which makes the server roll back. Either way the error
    /// from `body` (or `CancellationError`) is rethrown and the connection goes back to
    /// the pool. When `COMMIT` itself fails (a deadlock, a lost connection), its error is
    /// thrown and nothing was committed unless the connection was lost after the server
    /// received it.
    ///
    /// ```swift
    /// try await pool.withTransaction { connection in
    ///     try await connection.query("UPDATE accounts SET balance = balance - 10 WHERE id = 1")
    ///     try await connection.query("UPDATE accounts SET balance = balance + 10 WHERE id = 2")
    /// }
    /// ```
    public func withTransaction<Value: Sendable>(
        leaseTimeout: Duration? = nil, _ body: (MySQLConnection) async throws -> Value
    ) async throws -> Value {
        try await withConnection(leaseTimeout: leaseTimeout) { connection in
            try await connection.query("BEGIN")
            let value: Value
            do {
                value = try await body(connection)
                try Task.checkCancellation()
            } catch {
                await rollBack(on: connection)
                throw error
            }
            try await connection.send(.query("COMMIT"), evenIfCancelled: true)
            return value
        }
    }

    /// Sends `ROLLBACK` regardless of cancellation; closes the connection if that fails.
    private func rollBack(on connection: MySQLConnection) async {
        do {
            try await connection.send(.query("ROLLBACK"), evenIfCancelled: true)
        } catch {
            logger.error(
                "MySQL ROLLBACK failed; closing the connection so the server rolls the transaction back",
                metadata: ["mysql.connectionID": "\(connection.connectionID)", "error": "\(error)"])
            connection.channel.close(promise: nil)
            // The close future of a NIO channel never fails; this only waits for it.
            try? await connection.channel.closeFuture.get()
        }
    }
}
