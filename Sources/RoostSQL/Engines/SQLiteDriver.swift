import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// Opens SQLite connections set up for a server: WAL journal, a busy timeout so
/// concurrent writers wait instead of failing, foreign keys enforced, and
/// `query_only` for read-only clients. sqlite-nio runs every call on the given thread
/// pool, never on the event loop.
struct SQLiteSource: Sendable {
    let storage: SQLiteConnection.Storage
    let threadPool: NIOThreadPool
    let busyTimeout: Duration
    let readOnly: Bool

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let milliseconds = busyTimeout.components.seconds * 1_000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        var statements = ["PRAGMA busy_timeout = \(milliseconds)", "PRAGMA foreign_keys = ON"]
        if readOnly { statements.append("PRAGMA query_only = ON") }
        let pragmas = statements
        let deadline = NIODeadline.now() + .milliseconds(milliseconds)
        return SQLiteConnection.open(storage: storage, threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                var chain = eventLoop.makeSucceededVoidFuture()
                for pragma in pragmas {
                    chain = chain.flatMap { connection.query(pragma).map { _ in } }
                }
                if case .file = storage {
                    chain = chain.flatMap { Self.enableWAL(on: connection, eventLoop: eventLoop, until: deadline) }
                }
                return chain.map { connection }.flatMapError { error in
                    connection.close().flatMapThrowing { throw error }
                }
            }
    }

    /// `PRAGMA journal_mode = WAL`, tried again every 20 ms until `deadline` while SQLite
    /// answers "busy". Switching a new file to WAL needs its exclusive lock and does not
    /// wait through the busy timeout, so two processes opening the same new database at
    /// once can refuse each other.
    private static func enableWAL(
        on connection: SQLiteConnection, eventLoop: any EventLoop, until deadline: NIODeadline
    ) -> EventLoopFuture<Void> {
        connection.query("PRAGMA journal_mode = WAL").map { _ in }.flatMapError { error in
            guard (error as? SQLiteError)?.reason == .busy, NIODeadline.now() < deadline else {
                return eventLoop.makeFailedFuture(error)
            }
            return eventLoop.scheduleTask(in: .milliseconds(20)) {}.futureResult.flatMap {
                enableWAL(on: connection, eventLoop: eventLoop, until: deadline)
            }
        }
    }
}

extension DatabaseClient {
    /// A driver for `location`, one of the SQLite forms.
    static func sqliteDriver(
        _ location: DatabaseURL.Location, configuration: Configuration, readOnly: Bool, logger: Logger
    ) -> any DatabaseDriver {
        let storage: SQLiteConnection.Storage
        let maxConnections: Int
        switch location {
        case .sqliteFile(let path):
            storage = .file(path: path)
            maxConnections = configuration.maxConnections ?? 4
        default:
            // Each connection to ":memory:" is its own database, so there is exactly one.
            storage = .memory
            maxConnections = 1
        }
        // One thread per connection: a connection waiting out another writer's lock
        // (busy timeout) blocks its thread, and must never starve the connection holding
        // the lock of a thread to commit on.
        let threadPool = NIOThreadPool(numberOfThreads: maxConnections)
        threadPool.start()
        let source = SQLiteSource(
            storage: storage, threadPool: threadPool, busyTimeout: configuration.busyTimeout, readOnly: readOnly)
        // Made once: each carries a JSON coder, which would otherwise be allocated per lease.
        let (encoder, decoder) = (SQLiteDataEncoder(), SQLiteDataDecoder())
        let queryLogLevel = configuration.queryLogLevel
        let pool = SQLiteConnectionPool(
            source: source, maxConnections: maxConnections, timeout: configuration.poolTimeout.timeAmount,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        return SQLiteDriver(pool: pool, threadPool: threadPool, logger: logger) {
            $0.sql(encoder: encoder, decoder: decoder, queryLogLevel: queryLogLevel)
        }
    }
}

/// A ``DatabaseDriver`` over a ``SQLiteConnectionPool`` and the thread pool its
/// connections run on, which it stops once every connection is closed.
///
/// Statements go through sqlite-nio's async API: the borrowing task takes a free
/// connection under the pool's lock, the statement runs on the thread pool, and the task
/// resumes with its rows, with no event loop in between.
struct SQLiteDriver: DatabaseDriver {
    let engine: DatabaseURL.Engine = .sqlite
    let dialect: any SQLDialect = SQLiteDialect()
    let pool: SQLiteConnectionPool
    let threadPool: NIOThreadPool
    let logger: Logger
    let makeSQL: @Sendable (SQLiteConnection) -> any SQLDatabase

    var eventLoop: any EventLoop { pool.eventLoop }
    var maxConnections: Int { pool.maxConnections }

    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R {
        let connection = try await pool.lease()
        let pool = self.pool
        let pooled = PooledConnection(sql: makeSQL(connection)) { await pool.discard(connection) }
        do {
            let result = try await body(pooled)
            pool.release(connection)
            return result
        } catch {
            pool.release(connection)
            throw error
        }
    }

    func shutdown() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pool.shutdown { continuation.resume() }
        }
        try await threadPool.shutdownGracefully()
    }

    func shutdownInBackground() {
        let (threadPool, logger) = (self.threadPool, self.logger)
        pool.shutdown {
            threadPool.shutdownGracefully { error in
                if let error { logger.warning("Stopping a released SQLite thread pool failed", metadata: ["error": "\(error)"]) }
            }
        }
    }
}

extension Duration {
    /// The duration as a NIO `TimeAmount`, to millisecond precision.
    var timeAmount: TimeAmount {
        .milliseconds(components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
