import Logging
import NIOCore
import RoostMySQL
import SQLKit

/// The `SQLDatabase` a ``DatabaseClient`` hands out: routes statements to the current
/// transaction's connection or to the pool, refuses writes on read-only clients before
/// sending them, and turns engine errors into ``DatabaseError``.
struct GuardedSQLDatabase: SQLDatabase {
    /// Where statements go. Every case holds at most one reference, so the whole database
    /// fits an existential's inline storage: handing out ``DatabaseClient/sql`` allocates
    /// nothing.
    enum Target: Sendable {
        /// The current task's transaction on this client if there is one, else any pooled connection.
        case pool
        /// One borrowed connection (inside `withSession`).
        case connection(Session)
        /// A transaction's connection, usable only while the transaction is open.
        case transaction(DatabaseTransaction)
    }

    /// A connection borrowed for a `withSession` block.
    final class Session: Sendable {
        let sql: any SQLDatabase
        init(_ sql: any SQLDatabase) { self.sql = sql }
    }

    /// Where one statement goes, once the current transaction is known.
    private enum Route {
        case pool
        case connection(any SQLDatabase)
    }

    let client: DatabaseClient
    let target: Target

    var logger: Logger { client.logger }
    var eventLoop: any EventLoop { client.driver.eventLoop }
    var dialect: any SQLDialect { client.driver.dialect }
    // The connection underneath logs each statement at the configured level.
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try checkWritable(query)
        do {
            switch try resolvedTarget() {
            case .connection(let connection):
                try await connection.execute(sql: query, onRow)
            case .pool:
                try await client.driver.withConnection { try await $0.sql.execute(sql: query, onRow) }
            }
        } catch {
            throw DatabaseError.translating(error, engine: client.engine)
        }
    }

    /// Runs `query` on MySQL like ``execute(sql:_:)`` and returns the whole answer, whose
    /// affected-rows and last-insert-id counters SQLKit's row callback cannot carry.
    func mysqlResult(of query: any SQLExpression) async throws -> MySQLQueryResult {
        try checkWritable(query)
        do {
            switch try resolvedTarget() {
            case .connection(let connection):
                return try await Self.mysql(connection).result(of: query)
            case .pool:
                guard let driver = client.driver as? MySQLDriver else { throw Self.otherEngine }
                return try await driver.result(of: query)
            }
        } catch {
            throw DatabaseError.translating(error, engine: client.engine)
        }
    }

    /// The rows of `query` when the driver hands them over at once, which saves SQLKit's
    /// row callback and the collecting of rows: on MySQL always, on SQLite and PostgreSQL
    /// when the statement goes to the pool (not a transaction's or session's connection).
    /// Nil when the statement should run through ``execute(sql:_:)`` instead.
    func driverRows(of query: any SQLExpression) async throws -> [any SQLRow]? {
        if client.engine == .mysql { return try await mysqlResult(of: query).rows.map { $0 } }
        do {
            guard case .pool = try resolvedTarget() else { return nil }
            let statement = SerializedStatement(query, on: self)
            try checkWritable(sql: statement.sql)
            return try await client.driver.rows(of: statement)
        } catch {
            throw DatabaseError.translating(error, engine: client.engine)
        }
    }

    private static func mysql(_ database: any SQLDatabase) throws -> MySQLSQLDatabase {
        guard let mysql = database as? MySQLSQLDatabase else { throw otherEngine }
        return mysql
    }

    private static let otherEngine = DatabaseError(
        .queryFailed, "A MySQL statement reached a connection of another engine.")

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch try resolvedTarget() {
        case .connection:
            return try await closure(self)
        case .pool:
            return try await client.driver.withConnection { connection in
                try await closure(GuardedSQLDatabase(client: client, target: .connection(Session(connection.sql))))
            }
        }
    }

    /// `.connection` when a connection is fixed (a session or the task's transaction), else `.pool`.
    private func resolvedTarget() throws -> Route {
        switch target {
        case .connection(let session):
            return .connection(session.sql)
        case .transaction(let transaction):
            return .connection(try transaction.openConnection())
        case .pool:
            if let transaction = DatabaseTransaction.current(for: client) {
                return .connection(try transaction.openConnection())
            }
            return .pool
        }
    }

    private func checkWritable(_ query: any SQLExpression) throws {
        guard client.isReadOnly else { return }
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        try checkWritable(sql: serializer.sql)
    }

    private func checkWritable(sql: String) throws {
        guard client.isReadOnly, !StatementClassifier.isReadOnly(sql) else { return }
        throw DatabaseError(
            .readOnly,
            "Refused to send a write on a read-only \(client.engine.rawValue) client: \(sql.prefix(200)). Use a read-write client for writes."
        )
    }
}
