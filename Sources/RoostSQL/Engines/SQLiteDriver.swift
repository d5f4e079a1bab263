import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// Opens SQLite connections set up for a server: WAL journal, a busy timeout so
/// concurrent writers wait instead of failing, foreign keys enforced, and
/// `query_only` for read-only clients. sqlite-nio runs every call on the given thread
/// pool, never on the event loop.
struct SQLiteSource: ConnectionPoolSource {
    let storage: SQLiteConnection.Storage
    let threadPool: NIOThreadPool
    let busyTimeout: Duration
    let readOnly: Bool

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let milliseconds = busyTimeout.components.seconds * 1_000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        var statements = ["PRAGMA busy_timeout = \(milliseconds)", "PRAGMA foreign_keys = ON"]
        if case .file = storage { statements.append("PRAGMA journal_mode = WAL") }
        if readOnly { statements.append("PRAGMA query_only = ON") }
        let pragmas = statements
        return SQLiteConnection.open(storage: storage, threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                var chain = eventLoop.makeSucceededVoidFuture()
                for pragma in pragmas {
                    chain = chain.flatMap { connection.query(pragma).map { _ in } }
                }
                return chain.map { connection }.flatMapError { error in
                    connection.close().flatMapThrowing { throw error }
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
        return PooledDriver(
            engine: .sqlite, dialect: SQLiteDialect(), source: source, maxConnections: maxConnections,
            requestTimeout: configuration.poolTimeout.timeAmount,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger,
            makeSQL: { $0.sql(encoder: encoder, decoder: decoder, queryLogLevel: configuration.queryLogLevel) },
            threadPool: threadPool)
    }
}

extension Duration {
    /// The duration as a NIO `TimeAmount`, to millisecond precision.
    var timeAmount: TimeAmount {
        .milliseconds(components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
