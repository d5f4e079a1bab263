import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// One connection borrowed from a pool for the length of a closure.
struct PooledConnection: Sendable {
    /// The connection as a SQLKit database.
    let sql: any SQLDatabase
    /// Closes the connection so the pool never hands it out again; used when its
    /// state is unknown (a failed rollback).
    let discard: @Sendable () async -> Void
}

/// What ``DatabaseClient`` needs from an engine: a pool of connections and a dialect.
protocol DatabaseDriver: Sendable {
    /// The engine this driver talks to.
    var engine: DatabaseURL.Engine { get }
    /// The engine's SQL dialect.
    var dialect: any SQLDialect { get }
    /// The event loop that futures of the client complete on.
    var eventLoop: any EventLoop { get }
    /// The most connections the pool opens.
    var maxConnections: Int { get }
    /// Runs `body` with one connection borrowed from the pool; failing to borrow one
    /// throws a ``DatabaseError``, errors from `body` pass through unchanged.
    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R
    /// Runs one statement on a pooled connection entirely on the pool's event loop —
    /// borrowing, sending, reading the rows and returning the connection — when the
    /// driver can; nil when it cannot (then use ``withConnection(_:)``).
    func executeOnPool(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>?
    /// Closes every connection; later borrows fail with ``DatabaseError/Kind/closed``.
    func shutdown() async throws
    /// Starts closing every connection without waiting, for a client released unclosed.
    func shutdownInBackground()
}

/// A ``DatabaseDriver`` over an AsyncKit connection pool bound to one event loop, so
/// that `maxConnections` is an exact limit.
struct PooledDriver<Source: ConnectionPoolSource>: DatabaseDriver where Source.Connection: Sendable {
    let engine: DatabaseURL.Engine
    let dialect: any SQLDialect
    let eventLoop: any EventLoop
    let maxConnections: Int
    private let pool: SendablePool<Source>
    private let logger: Logger
    private let makeSQL: @Sendable (Source.Connection) -> any SQLDatabase

    init(
        engine: DatabaseURL.Engine, dialect: any SQLDialect, source: Source, maxConnections: Int,
        requestTimeout: TimeAmount, eventLoop: any EventLoop, logger: Logger,
        makeSQL: @escaping @Sendable (Source.Connection) -> any SQLDatabase
    ) {
        self.engine = engine
        self.dialect = dialect
        self.eventLoop = eventLoop
        self.maxConnections = maxConnections
        self.logger = logger
        self.makeSQL = makeSQL
        self.pool = SendablePool(
            EventLoopGroupConnectionPool(
                source: source, maxConnectionsPerEventLoop: maxConnections, requestTimeout: requestTimeout,
                logger: logger, on: eventLoop))
    }

    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R {
        let pool = self.pool.base
        let connection: Source.Connection
        do {
            connection = try await pool.requestConnection(logger: logger, on: eventLoop).get()
        } catch {
            throw DatabaseError.translating(error, engine: engine)
        }
        let logger = self.logger
        let pooled = PooledConnection(sql: makeSQL(connection)) {
            do {
                try await connection.close().get()
            } catch {
                logger.warning("Closing a discarded database connection failed", metadata: ["error": "\(error)"])
            }
        }
        do {
            let result = try await body(pooled)
            pool.releaseConnection(connection, logger: logger)
            return result
        } catch {
            pool.releaseConnection(connection, logger: logger)
            throw error
        }
    }

    /// Chains borrowing, the statement and returning the connection as futures on the
    /// pool's event loop, where AsyncKit keeps the pool's state: the caller's task waits
    /// once, instead of hopping to the event loop and back to borrow, to run and to return.
    func executeOnPool(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>?
    {
        let (pool, logger, makeSQL) = (self.pool, self.logger, self.makeSQL)
        return eventLoop.flatSubmit {
            pool.base.requestConnection(logger: logger, on: eventLoop).flatMap { connection in
                makeSQL(connection).execute(sql: query, onRow).always { _ in
                    pool.base.releaseConnection(connection, logger: logger)
                }
            }
        }
    }

    func shutdown() async throws {
        try await pool.base.shutdownAsync()
    }

    func shutdownInBackground() {
        let logger = self.logger
        pool.base.shutdownGracefully { error in
            if let error { logger.warning("Closing a released database pool failed", metadata: ["error": "\(error)"]) }
        }
    }
}

/// Carries an AsyncKit pool across concurrency domains.
///
/// Safe because `EventLoopGroupConnectionPool` guards its only mutable state
/// (`didShutdown`) with a lock, keeps its per-loop pools in an immutable dictionary, and
/// each `EventLoopConnectionPool` hops to its own event loop (`inEventLoop` check, then
/// `eventLoop.execute`) before touching its state in `requestConnection`,
/// `releaseConnection` and `close`.
private struct SendablePool<Source: ConnectionPoolSource>: @unchecked Sendable {
    let base: EventLoopGroupConnectionPool<Source>
    init(_ base: EventLoopGroupConnectionPool<Source>) { self.base = base }
}
