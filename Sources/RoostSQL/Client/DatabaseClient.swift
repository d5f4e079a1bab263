import Logging
import RoostCore
import SQLKit
import ServiceLifecycle
import Synchronization

/// A pool of connections to one database — SQLite, PostgreSQL or MySQL/MariaDB — chosen by its URL.
///
/// The client offers the everyday operations (``DatabaseExecutor``: `select`, `find`,
/// `count`, `insert`, `update`, `delete`, `execute`), SQLKit's query builder through
/// ``sql``, transactions (``withTransaction(_:)``) and migrations (``DatabaseMigrator``).
/// Code written against it runs unchanged on every engine.
///
/// As a `Service`, ``run()`` keeps the pool open until graceful shutdown, then closes it.
/// Outside a service group, call ``close()`` when done.
///
/// ```swift
/// let db = try await DatabaseClient.open("sqlite:///var/lib/app/app.db")
/// let id = try await db.insert(into: "users", User(name: "Ada"))
/// let user = try await db.find("SELECT * FROM users WHERE id = \(bind: id)", as: User.self)
/// try await db.close()
/// ```
///
/// SQLite connections use WAL, a busy timeout so concurrent writers wait for each other,
/// and enforced foreign keys; their work runs on sqlite-nio's thread pool, off the event
/// loop. `sqlite::memory:` is a single connection, since each connection would otherwise
/// see its own empty database. MySQL and MariaDB run on RoostMySQL's
/// `MySQLConnectionPool`, whose maintenance task the client owns and stops
/// in ``close()``.
public final class DatabaseClient: DatabaseExecutor, Service, HealthCheck {
    /// The URL the client was opened with.
    public let url: DatabaseURL
    /// The settings the client was opened with.
    public let configuration: Configuration
    /// Where the client logs.
    public let logger: Logger
    let driver: any DatabaseDriver
    /// The INSERT texts of ``insert(into:_:idColumn:)``, by table and columns.
    let insertStatements = InsertStatementCache()
    private let isClosed = Mutex(false)

    /// The engine behind this client.
    public var engine: DatabaseURL.Engine { url.engine }
    /// Whether writes are refused (``DatabaseError/Kind/readOnly``).
    public var isReadOnly: Bool { configuration.readOnly }
    /// `database`, the name shown in health reports.
    public var name: String { "database" }

    /// SQLKit's query builder over this client. Inside ``withTransaction(_:)`` it runs on
    /// the transaction's connection; on a read-only client writes throw before they are sent.
    ///
    /// ```swift
    /// let names = try await db.sql.select().column("name").from("users")
    ///     .where("active", .equal, true).all(decodingColumn: "name", as: String.self)
    /// ```
    public var sql: any SQLDatabase { GuardedSQLDatabase(client: self, target: .pool) }

    private init(url: DatabaseURL, configuration: Configuration, driver: any DatabaseDriver, logger: Logger) {
        self.url = url
        self.configuration = configuration
        self.driver = driver
        self.logger = logger
    }

    deinit {
        let wasClosed = isClosed.withLock { $0 }
        if !wasClosed {
            logger.warning("A database client was released without close(); closing its pool", metadata: ["url": "\(url)"])
            driver.shutdownInBackground()
        }
    }

    /// Opens a client for `url` and checks that the database answers.
    ///
    /// - Parameters:
    ///   - url: Where the database is; its query options fill ``Configuration``.
    ///   - readOnly: Refuses writes when true, whatever the URL says.
    ///   - configure: Adjusts the settings taken from the URL.
    /// - Throws: ``DatabaseError`` with ``DatabaseError/Kind/connectionFailed``
    ///   when the database cannot be reached or opened.
    public static func open(
        _ url: DatabaseURL, readOnly: Bool = false, logger: Logger = Logger(label: "roost.sql"),
        configure: (inout Configuration) -> Void = { _ in }
    ) async throws -> DatabaseClient {
        var configuration = Configuration(url: url)
        if readOnly { configuration.readOnly = true }
        configure(&configuration)
        let driver: any DatabaseDriver
        switch url.location {
        case .sqliteFile, .sqliteMemory:
            driver = sqliteDriver(url.location, configuration: configuration, readOnly: configuration.readOnly, logger: logger)
        case .server(let server) where url.engine == .mysql:
            do {
                driver = try await mysqlDriver(
                    server, configuration: configuration, readOnly: configuration.readOnly, logger: logger)
            } catch {
                throw Self.openingFailure(error, url: url)
            }
        case .server(let server):
            do {
                driver = try await postgresDriver(
                    server, tls: configuration.tls, configuration: configuration, readOnly: configuration.readOnly,
                    logger: logger)
            } catch {
                throw Self.openingFailure(error, url: url)
            }
        }
        let client = DatabaseClient(url: url, configuration: configuration, driver: driver, logger: logger)
        do {
            try await client.warmUp()
        } catch {
            do {
                try await client.close()
            } catch let shutdownError {
                logger.warning("Closing the pool of a failed database client failed", metadata: ["error": "\(shutdownError)"])
            }
            throw Self.openingFailure(error, url: url)
        }
        return client
    }

    /// Opens a client for the URL in `string`.
    ///
    /// - Throws: ``DatabaseURLError`` for a bad URL, ``DatabaseError`` when the database cannot be opened.
    public static func open(
        _ string: String, readOnly: Bool = false, logger: Logger = Logger(label: "roost.sql"),
        configure: (inout Configuration) -> Void = { _ in }
    ) async throws -> DatabaseClient {
        try await open(DatabaseURL(string), readOnly: readOnly, logger: logger, configure: configure)
    }

    /// Keeps the pool open until graceful shutdown or cancellation, then closes it.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            logger.debug("Database client cancelled; closing", metadata: ["url": "\(url)"])
        }
        try await close()
    }

    /// Closes every connection. Later calls fail with ``DatabaseError/Kind/closed``;
    /// closing twice is harmless.
    public func close() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        do {
            try await driver.shutdown()
        } catch {
            throw DatabaseError.translating(error, engine: engine)
        }
    }

    /// Runs `SELECT 1`; throws when the database does not answer.
    public func check() async throws {
        try await execute("SELECT 1")
    }

    /// Opens `minConnections` connections (at least one, at most the pool's size),
    /// holding each while the next opens so that the pool keeps them all; this also
    /// proves the database is reachable.
    private func warmUp() async throws {
        try await hold(min(max(configuration.minConnections ?? 1, 1), driver.maxConnections))
    }

    private func hold(_ count: Int) async throws {
        guard count > 0 else { return }
        try await driver.withConnection { connection in
            try await connection.sql.raw("SELECT 1").run()
            try await hold(count - 1)
        }
    }

    private static func openingFailure(_ error: any Error, url: DatabaseURL) -> any Error {
        let translated = DatabaseError.translating(error, engine: url.engine)
        guard let database = translated as? DatabaseError else { return translated }
        return DatabaseError(
            .connectionFailed, "Could not open \(url): \(database.message)", engineMessage: database.engineMessage,
            underlying: database.underlying ?? error)
    }
}
