import NIOCore

extension MySQLConnection {
    /// Runs SQL with `?` placeholders bound to `binds`.
    ///
    /// With binds the statement is prepared once per connection (`COM_STMT_PREPARE`),
    /// kept in the connection's statement cache and executed with the binary protocol
    /// (`COM_STMT_EXECUTE`); values never become part of the SQL text, so they cannot
    /// inject SQL. Without binds this is ``query(_:)``. Rows decode the same either way.
    ///
    /// Throws ``MySQLStatementError`` when the number of binds does not match the
    /// placeholders and ``MySQLServerError`` when the server rejects the statement.
    ///
    /// ```swift
    /// let result = try await connection.query("SELECT name FROM users WHERE id = ? AND active = ?", [42, true])
    /// let name = try result.rows.first?["name"].decode(String.self)
    /// ```
    @discardableResult
    public func query(_ sql: String, _ binds: [any MySQLEncodable]) async throws -> MySQLQueryResult {
        if binds.isEmpty { return try await query(sql) }
        return try await preparedQuery(sql, binds)
    }

    /// Runs SQL as a prepared statement (binary protocol), even without binds.
    ///
    /// ```swift
    /// let result = try await connection.preparedQuery("SELECT NOW(6) AS now")
    /// ```
    @discardableResult
    public func preparedQuery(_ sql: String, _ binds: [any MySQLEncodable] = []) async throws -> MySQLQueryResult {
        try await preparedQuery(sql, parameters: binds.map(\.mysqlParameter))
    }

    /// Runs SQL as a prepared statement with parameters already converted.
    func preparedQuery(_ sql: String, parameters: [MySQLParameter]) async throws -> MySQLQueryResult {
        // The SQL goes into spans as written: values travel separately, as binds.
        try await instruments.measure(Self.operation(of: sql), queryText: sql) {
            try Task.checkCancellation()
            do {
                return try await executeCached(sql, parameters: parameters)
            } catch let error as MySQLServerError where error.errorCode == 1243 {
                // "Unknown prepared statement handler": the server lost the statement (for
                // example after a reset from another code path); prepare it again once.
                statements.withLock { $0.remove(sql) }
                return try await executeCached(sql, parameters: parameters)
            }
        }
    }

    /// The number of prepared statements this connection keeps open.
    var cachedStatementCount: Int { statements.withLock { $0.count } }

    private func executeCached(_ sql: String, parameters: [MySQLParameter]) async throws -> MySQLQueryResult {
        try await submitCached(sql, parameters: parameters, rows: nil).result()
    }

    /// Executes the cached statement for `sql`, preparing it first if needed; returns as
    /// soon as the execution is queued.
    func submitCached(
        _ sql: String, parameters: [MySQLParameter], rows: MySQLRowStreamSink?
    ) async throws -> EventLoopFuture<MySQLResponse> {
        let cached = try statements.withLock { cache -> EventLoopFuture<MySQLResponse>? in
            guard let statement = cache.statement(for: sql) else { return nil }
            return try submitExecute(statement, sql: sql, parameters: parameters, rows: rows)
        }
        if let cached { return cached }

        let prepared: MySQLPreparedStatement
        switch try await submit(.prepare(sql)).get() {
        case .prepared(let statement): prepared = statement
        case .result: throw MySQLProtocolError(.unexpected, "a result where a prepared statement was expected")
        }
        return try statements.withLock { cache in
            let (statement, close) = cache.insert(prepared, for: sql)
            // Executes queued before a close still run first: commands keep their order.
            let future = Result { try submitExecute(statement, sql: sql, parameters: parameters, rows: rows) }
            for id in close { _ = submit(.closeStatement(id)) }
            return future
        }.get()
    }

    private func submitExecute(
        _ statement: MySQLPreparedStatement, sql: String, parameters: [MySQLParameter], rows: MySQLRowStreamSink?
    ) throws -> EventLoopFuture<MySQLResponse> {
        guard statement.parameterCount == parameters.count else {
            throw MySQLStatementError(sql: sql, placeholders: statement.parameterCount, binds: parameters.count)
        }
        return submit(.execute(statement, parameters), rows: rows)
    }
}
