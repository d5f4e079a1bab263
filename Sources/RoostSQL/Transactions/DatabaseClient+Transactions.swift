extension DatabaseClient {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws or
    /// when the task is cancelled (then throws `CancellationError`).
    ///
    /// Calls nested in the same task — another `withTransaction` on this client, or any of
    /// the client's operations — run inside the outer transaction, so functions that need
    /// a transaction can be composed freely. Use ``DatabaseTransaction/savepoint(_:)`` to
    /// let an inner part roll back on its own.
    ///
    /// The same semantics hold on every engine. On SQLite a read-write transaction starts
    /// with `BEGIN IMMEDIATE`, taking the write lock up front so two writers never
    /// deadlock; on PostgreSQL a read-only client starts `BEGIN READ ONLY`, on MySQL
    /// `START TRANSACTION READ ONLY`. MySQL commits implicitly before and after DDL
    /// (`CREATE`, `ALTER`, `DROP`), so a rollback there cannot undo schema changes.
    ///
    /// ```swift
    /// try await db.withTransaction { tx in
    ///     try await tx.update("accounts", set: ["balance": from - amount], where: "id = \(bind: a)")
    ///     try await tx.update("accounts", set: ["balance": to + amount], where: "id = \(bind: b)")
    /// }
    /// ```
    public func withTransaction<R>(_ body: (DatabaseTransaction) async throws -> R) async throws -> R {
        if let transaction = DatabaseTransaction.current(for: self) {
            return try await body(transaction)
        }
        let begin =
            switch (engine, isReadOnly) {
            case (.sqlite, false): "BEGIN IMMEDIATE"
            case (.postgres, true): "BEGIN READ ONLY"
            case (.mysql, true): "START TRANSACTION READ ONLY"
            default: "BEGIN"
            }
        return try await driver.withConnection { connection in
            try await transaction(on: connection, begin: begin, body)
        }
    }

    /// Runs `body` in a transaction on `connection`, which the caller holds; see
    /// ``withTransaction(_:)``.
    func transaction<R>(
        on connection: PooledConnection, begin: String = "BEGIN", _ body: (DatabaseTransaction) async throws -> R
    ) async throws -> R {
        let transaction = DatabaseTransaction(client: self, connection: connection)
        defer { transaction.end() }
        try await transaction.control(begin)
        var active = DatabaseTransaction.active
        active[ObjectIdentifier(self)] = transaction
        let result: R
        do {
            result = try await DatabaseTransaction.$active.withValue(active) { try await body(transaction) }
            try Task.checkCancellation()
        } catch {
            await rollback(transaction, after: error)
            throw error
        }
        do {
            try await transaction.control("COMMIT")
        } catch {
            await rollback(transaction, after: error)
            throw error
        }
        return result
    }

    /// Rolls back after `error`; a connection whose rollback fails is discarded, since
    /// its transaction state is unknown.
    private func rollback(_ transaction: DatabaseTransaction, after error: any Error) async {
        do {
            try await transaction.control("ROLLBACK")
        } catch let rollbackError {
            logger.error(
                "Rolling back a transaction failed; discarding its connection",
                metadata: ["error": "\(rollbackError)", "cause": "\(error)"])
            await transaction.connection.discard()
        }
    }
}
