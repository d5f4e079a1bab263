import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Synchronization

/// Opens SQLite connections set up for a server: WAL journal, a busy timeout so
/// concurrent writers wait instead of failing, foreign keys enforced, and
/// `query_only` for read-only clients, and closes them.
///
/// sqlite-nio runs every call of a connection on the thread pool it was opened with,
/// never on the event loop. Each connection gets a pool of one thread of its own, stopped
/// when the connection closes:
/// - a connection waiting out another writer's lock (busy timeout) blocks its thread, and
///   must never keep the connection holding the lock from a thread to commit on;
/// - connections sharing one pool would contend for its lock on every statement, which
///   leaves the cores idle between statements.
struct SQLiteSource: Sendable {
    let storage: SQLiteConnection.Storage
    let busyTimeout: Duration
    let readOnly: Bool
    /// The thread of each open connection.
    private let threads = SQLiteConnectionThreads()

    init(storage: SQLiteConnection.Storage, busyTimeout: Duration, readOnly: Bool) {
        self.storage = storage
        self.busyTimeout = busyTimeout
        self.readOnly = readOnly
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let milliseconds = busyTimeout.components.seconds * 1_000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        var statements = ["PRAGMA busy_timeout = \(milliseconds)", "PRAGMA foreign_keys = ON"]
        if readOnly { statements.append("PRAGMA query_only = ON") }
        let (pragmas, storage, threads) = (statements, self.storage, self.threads)
        let deadline = NIODeadline.now() + .milliseconds(milliseconds)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        return SQLiteConnection.open(storage: storage, threadPool: thread, logger: logger, on: eventLoop)
            .flatMapError { error in SQLiteConnectionThreads.stop(thread, after: eventLoop.makeFailedFuture(error)) }
            .flatMap { connection in
                threads.add(thread, of: connection)
                var chain = eventLoop.makeSucceededVoidFuture()
                for pragma in pragmas {
                    chain = chain.flatMap { connection.query(pragma).map { _ in } }
                }
                if case .file = storage {
                    chain = chain.flatMap { Self.enableWAL(on: connection, eventLoop: eventLoop, until: deadline) }
                }
                return chain.map { connection }.flatMapError { error in
                    self.close(connection).flatMapThrowing { throw error }
                }
            }
    }

    /// Closes `connection`, then stops its thread; fails with the reason closing failed.
    func close(_ connection: SQLiteConnection) -> EventLoopFuture<Void> {
        let closed = connection.close()
        guard let thread = threads.remove(of: connection) else { return closed }
        return SQLiteConnectionThreads.stop(thread, after: closed)
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
        let source = SQLiteSource(storage: storage, busyTimeout: configuration.busyTimeout, readOnly: readOnly)
        let pool = SQLiteConnectionPool(
            source: source, maxConnections: maxConnections, timeout: configuration.poolTimeout.timeAmount,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        // The coders are made once: each carries a JSON coder, which would otherwise be
        // allocated per statement.
        return SQLiteDriver(
            pool: pool, logger: logger, queryLogLevel: configuration.queryLogLevel,
            encoder: SQLiteDataEncoder(), decoder: SQLiteDataDecoder())
    }
}

/// A ``DatabaseDriver`` over a ``SQLiteConnectionPool``.
///
/// Statements go through sqlite-nio's async API: the borrowing task takes a free
/// connection under the pool's lock, the statement runs on the connection's thread, and
/// the task resumes with its rows, with no event loop in between.
struct SQLiteDriver: DatabaseDriver {
    let engine: DatabaseURL.Engine = .sqlite
    let dialect: any SQLDialect = SQLiteDialect()
    let pool: SQLiteConnectionPool
    let logger: Logger
    /// The level statements are logged at; nil logs none.
    let queryLogLevel: Logger.Level?
    let encoder: SQLiteDataEncoder
    let decoder: SQLiteDataDecoder

    var eventLoop: any EventLoop { pool.eventLoop }
    var maxConnections: Int { pool.maxConnections }

    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R {
        let connection = try await pool.lease()
        let pool = self.pool
        let sql = connection.sql(encoder: encoder, decoder: decoder, queryLogLevel: queryLogLevel)
        let pooled = PooledConnection(sql: sql) { await pool.discard(connection) }
        do {
            let result = try await body(pooled)
            pool.release(connection)
            return result
        } catch {
            pool.release(connection)
            throw error
        }
    }

    /// Runs `statement` on a pooled connection and returns its rows, gathered on the
    /// connection's thread by sqlite-nio: no SQLKit row callback, no collecting under a lock, and
    /// common column types decoded directly (``SQLiteFastRow``). Logs and encodes the
    /// binds as sqlite-kit does.
    func rows(of statement: SerializedStatement) async throws -> [any SQLRow]? {
        if let queryLogLevel {
            logger.log(
                level: queryLogLevel, "Executing query",
                metadata: ["sql": .string(statement.sql), "binds": .array(statement.binds.map { .string("\($0)") })])
        }
        let binds = try statement.binds.map { try encoder.encode($0) }
        let connection = try await pool.lease()
        defer { pool.release(connection) }
        let decoder = self.decoder
        return try await connection.query(statement.sql, binds).map { SQLiteFastRow(row: $0, decoder: decoder) }
    }

    func shutdown() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pool.shutdown { continuation.resume() }
        }
    }

    func shutdownInBackground() {
        pool.shutdown {}
    }
}

/// The one-thread pool each open SQLite connection runs on, by connection.
final class SQLiteConnectionThreads: Sendable {
    private let threads = Mutex<[ObjectIdentifier: NIOThreadPool]>([:])

    func add(_ thread: NIOThreadPool, of connection: SQLiteConnection) {
        threads.withLock { $0[ObjectIdentifier(connection)] = thread }
    }

    func remove(of connection: SQLiteConnection) -> NIOThreadPool? {
        threads.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Stops `thread` once `work` has completed and the thread's own work is done; then
    /// completes as `work` did, or with the failure to stop the thread when `work`
    /// succeeded.
    static func stop<Value: Sendable>(
        _ thread: NIOThreadPool, after work: EventLoopFuture<Value>
    ) -> EventLoopFuture<Value> {
        let promise = work.eventLoop.makePromise(of: Value.self)
        work.whenComplete { outcome in
            thread.shutdownGracefully { error in
                if case .success = outcome, let error { promise.fail(error) } else { promise.completeWith(outcome) }
            }
        }
        return promise.futureResult
    }
}

extension Duration {
    /// The duration as a NIO `TimeAmount`, to millisecond precision.
    var timeAmount: TimeAmount {
        .milliseconds(components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
