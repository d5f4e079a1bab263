import Logging
import NIOCore
import NIOPosix
import NIOSSL
import RoostMySQL
import SQLKit

/// A ``DatabaseDriver`` over RoostMySQL's ``MySQLConnectionPool`` and its SQLKit driver.
///
/// The pool is a `Service` that works only while its `run()` runs. The driver owns the
/// task running it: started when the driver is made, cancelled and awaited by
/// ``shutdown()``, so no pool work outlives the client.
final class MySQLDriver: DatabaseDriver {
    let engine: DatabaseURL.Engine = .mysql
    let dialect: any SQLDialect = MySQLDialect()
    let eventLoop: any EventLoop
    let maxConnections: Int
    let pool: MySQLConnectionPool
    private let queryLogLevel: Logger.Level?
    private let logger: Logger
    private let runner: Task<Void, Never>

    init(pool: MySQLConnectionPool, queryLogLevel: Logger.Level?, logger: Logger) {
        self.pool = pool
        self.maxConnections = pool.configuration.maximumConnections
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        self.queryLogLevel = queryLogLevel
        self.logger = logger
        self.runner = Task {
            do {
                try await pool.run()
            } catch {
                logger.error("The MySQL connection pool stopped with an error", metadata: ["error": "\(error)"])
            }
        }
    }

    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R {
        let logger = self.logger
        return try await leasing(onEventLoop: true) { connection, sql in
            let pooled = PooledConnection(sql: sql) {
                do {
                    try await connection.close()
                } catch {
                    logger.warning("Closing a discarded MySQL connection failed", metadata: ["error": "\(error)"])
                }
            }
            return try await body(pooled)
        }
    }

    /// Runs `query` on a pooled connection and returns its whole result: the path of
    /// statements whose rows or counts RoostSQL reads itself, with no SQLKit row callback
    /// and no ``PooledConnection`` in between.
    func result(of query: any SQLExpression) async throws -> MySQLQueryResult {
        try await leasing(onEventLoop: false) { _, sql in try await sql.result(of: query) }
    }

    /// Runs `body` with a pooled connection and the connection as a SQLKit database, on
    /// the connection's event loop when it makes several round trips (`onEventLoop`; see
    /// `MySQLConnectionPool.withConnection`). A failure to lease becomes a
    /// ``DatabaseError``; the body's own errors pass through.
    private func leasing<R>(
        onEventLoop: Bool, _ body: (MySQLConnection, MySQLSQLDatabase) async throws -> R
    ) async throws -> R {
        var leased = false
        let queryLogLevel = self.queryLogLevel
        let logger = self.logger
        do {
            let result = try await pool.withConnection(onEventLoop: onEventLoop) { connection in
                leased = true
                var sql = connection.sql(logger: logger)
                sql.queryLogLevel = queryLogLevel
                return SameTaskValue(try await body(connection, sql))
            }
            return result.value
        } catch where !leased {
            throw DatabaseError.translating(error, engine: .mysql)
        }
    }

    func shutdown() async throws {
        runner.cancel()
        await runner.value
    }

    func shutdownInBackground() {
        // Cancelling the pool's task makes it close every connection; nobody is left to await it.
        runner.cancel()
    }
}

/// Carries a value that need not be `Sendable` out of the pool's `withConnection`, which
/// requires a `Sendable` result.
///
/// Safe because the value never leaves the task: the pool runs the closure on the
/// caller's task and returns the value to that same task.
private struct SameTaskValue<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension DatabaseClient {
    /// A driver for a MySQL or MariaDB server, after one connection proved that the
    /// server accepts the URL's credentials and database (so a bad URL fails at once with
    /// the server's reason instead of after the pool's retries).
    static func mysqlDriver(
        _ server: DatabaseURL.ServerAddress, configuration: Configuration, readOnly: Bool, logger: Logger
    ) async throws -> any DatabaseDriver {
        var connection = MySQLConfiguration(
            host: server.host, port: server.port, username: server.username ?? "root", password: server.password ?? "",
            database: server.database)
        connection.tls = try mysqlTLS(configuration.tls)
        connection.connectTimeout = configuration.connectTimeout.timeAmount
        connection.loginTimeout = configuration.connectTimeout.timeAmount
        // Writes also fail on the server (error 1792), a second line behind the client's check.
        connection.readOnly = readOnly
        // UPDATE counts the rows it matched, as on PostgreSQL and SQLite.
        connection.countsMatchedRows = true
        let probe = try await MySQLConnection.connect(configuration: connection, logger: logger)
        try await probe.close()

        var pool = MySQLPoolConfiguration(connection: connection)
        pool.maximumConnections = configuration.maxConnections ?? 10
        pool.minimumConnections = min(configuration.minConnections ?? 0, pool.maximumConnections)
        pool.leaseTimeout = configuration.poolTimeout
        // Like the other engines' pools, connections go back as they are: transactions
        // roll back (or their connection is discarded) before that, and a reset per lease
        // would cost a round trip and the cached prepared statements of every statement.
        pool.resetsReturnedConnections = false
        return MySQLDriver(
            pool: MySQLConnectionPool(configuration: pool, logger: logger), queryLogLevel: configuration.queryLogLevel,
            logger: logger)
    }

    /// The URL's TLS mode for RoostMySQL, checking certificates as PostgreSQL's `sslmode`
    /// does: not at all for `prefer` and `require`, the chain for `verify-ca`, chain and
    /// host name for `verify-full`.
    private static func mysqlTLS(_ mode: DatabaseOptions.TLSMode) throws -> MySQLConfiguration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            switch mode {
            case .disable:
                return .disable
            case .prefer:
                tls.certificateVerification = .none
                return try .prefer(tls)
            case .require:
                tls.certificateVerification = .none
                return try .require(tls)
            case .verifyCA:
                tls.certificateVerification = .noHostnameVerification
                return try .require(tls)
            case .verifyFull:
                tls.certificateVerification = .fullVerification
                return try .require(tls)
            }
        } catch {
            throw DatabaseError(
                .connectionFailed, "Could not set up TLS (\(mode.rawValue)) for MySQL: \(error).", underlying: error)
        }
    }
}
