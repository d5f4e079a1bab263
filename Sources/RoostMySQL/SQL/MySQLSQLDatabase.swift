import Logging
import NIOCore
import SQLKit

/// SQLKit's `SQLDatabase` over a ``MySQLConnectionPool`` or one ``MySQLConnection``, so
/// SQLKit's query builders run on MySQL and MariaDB.
///
/// Statements with binds run as prepared statements (cached per connection), those
/// without through the text protocol. Over a pool every statement leases a connection
/// of its own; use `withSession` (or ``MySQLConnectionPool/withTransaction(leaseTimeout:_:)``
/// and ``MySQLConnection/sql(logger:)``) for several statements on one connection.
///
/// ```swift
/// let sql = pool.sql()
/// try await sql.insert(into: "users").columns("id", "name").values(SQLBind(1), SQLBind("Ada")).run()
/// let users = try await sql.select().columns("*").from("users").where("id", .equal, 1).all(decoding: User.self)
/// ```
public struct MySQLSQLDatabase: SQLDatabase {
    enum Source: Sendable {
        case pool(MySQLConnectionPool)
        case connection(MySQLConnection)
    }

    let source: Source
    /// Where SQLKit logs statements.
    public let logger: Logger
    /// The event loop of the connection, or one of the pool's event loops.
    public let eventLoop: any EventLoop
    /// ``MySQLDialect``.
    public var dialect: any SQLDialect { MySQLDialect() }

    init(source: Source, logger: Logger) {
        self.source = source
        self.logger = logger
        switch source {
        case .pool(let pool): self.eventLoop = pool.eventLoopGroup.any()
        case .connection(let connection): self.eventLoop = connection.channel.eventLoop
        }
    }

    /// The level at which each statement is logged; nil logs none. Default `.debug`.
    public var queryLogLevel: Logger.Level? = .debug

    /// Serializes `query`, runs it and hands every row to `onRow`.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let result = try await self.result(of: query)
        for row in result.rows { onRow(row) }
    }

    /// Serializes `query`, runs it and returns the whole result, with the counters SQLKit's
    /// row callback cannot carry: ``MySQLQueryResult/affectedRows`` and
    /// ``MySQLQueryResult/lastInsertID``.
    ///
    /// ```swift
    /// let result = try await pool.sql().result(of: SQLQueryString("INSERT INTO users (name) VALUES (\(bind: "Ada"))"))
    /// let id = result.lastInsertID
    /// ```
    public func result(of query: any SQLExpression) async throws -> MySQLQueryResult {
        let (sql, binds) = serialize(query)
        if let level = queryLogLevel { logger.log(level: level, "\(sql)", metadata: ["mysql.binds": "\(binds.count)"]) }
        let parameters = try binds.map { try MySQLBindEncoder.parameter(for: $0) }
        switch source {
        case .pool(let pool):
            return try await pool.withConnection { try await Self.run(sql, parameters, on: $0) }
        case .connection(let connection):
            return try await Self.run(sql, parameters, on: connection)
        }
    }

    /// The future-based form of ``execute(sql:_:)-(_,_)async``, for SQLKit APIs that need it.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    /// Runs `closure` with a database bound to one connection: over a pool, one leased
    /// connection for the whole closure (reset when it is returned).
    public func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch source {
        case .connection:
            return try await closure(self)
        case .pool(let pool):
            let logger = logger
            let level = queryLogLevel
            // The pool's `Value: Sendable` bound does not hold for an arbitrary `R`; the
            // value is only carried out of the lease on the same task.
            let boxed = try await pool.withConnection { connection in
                var session = MySQLSQLDatabase(source: .connection(connection), logger: logger)
                session.queryLogLevel = level
                return UncheckedResult(value: try await closure(session))
            }
            return boxed.value
        }
    }

    private static func run(_ sql: String, _ parameters: [MySQLParameter], on connection: MySQLConnection) async throws -> MySQLQueryResult {
        parameters.isEmpty ? try await connection.query(sql) : try await connection.preparedQuery(sql, parameters: parameters)
    }
}

/// Carries a value of a type that is not `Sendable` out of `withConnection`'s closure.
/// Safe because the value never crosses a task: the closure runs on the caller's task and
/// the value is returned to that same task.
private struct UncheckedResult<Value>: @unchecked Sendable {
    let value: Value
}

extension MySQLConnectionPool {
    /// SQLKit over this pool.
    ///
    /// ```swift
    /// let rows = try await pool.sql().select().column("name").from("users").all()
    /// ```
    public func sql(logger: Logger? = nil) -> MySQLSQLDatabase {
        MySQLSQLDatabase(source: .pool(self), logger: logger ?? self.logger)
    }
}

extension MySQLConnection {
    /// SQLKit over this connection.
    ///
    /// ```swift
    /// try await pool.withTransaction { connection in
    ///     try await connection.sql().update("accounts").set("balance", to: 0).run()
    /// }
    /// ```
    public func sql(logger: Logger = Logger(label: "roost.mysql.sql")) -> MySQLSQLDatabase {
        MySQLSQLDatabase(source: .connection(self), logger: logger)
    }
}
