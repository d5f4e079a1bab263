import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import RoostPoolSupport
import _ConnectionPoolModule

/// A pool of ``MySQLConnection``s: it opens connections on demand up to a maximum, keeps a
/// minimum open, pings idle ones (`COM_PING`), closes surplus idle ones and ones past their
/// maximum lifetime, resets every connection (`COM_RESET_CONNECTION`) when it is returned,
/// and reconnects with backoff after the server goes away.
///
/// The pool is a `Service`: it works while ``run()`` runs, and shuts down when that task
/// is cancelled (or when the service group stops).
///
/// ```swift
/// let pool = MySQLConnectionPool(configuration: MySQLPoolConfiguration(
///     connection: try MySQLConfiguration(url: "mysql://app:secret@127.0.0.1/shop")))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await pool.run() }
///     let result = try await pool.query("SELECT COUNT(*) AS n FROM orders")
///     group.cancelAll()
/// }
/// ```
public final class MySQLConnectionPool: Service {
    typealias Pool = ConnectionPool<
        PooledMySQLConnection, Int, ConnectionIDGenerator, PoolLeaseRequest<PooledMySQLConnection>, Int,
        MySQLKeepAliveBehavior, PoolObserver, ContinuousClock
    >

    /// The configuration the pool was created with.
    public let configuration: MySQLPoolConfiguration
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    private let pool: Pool
    private let parked: ParkedLeases<PooledMySQLConnection>

    /// Creates a pool; no connection opens before ``run()`` starts.
    public init(
        configuration: MySQLPoolConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.mysql.pool")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        var poolConfiguration = ConnectionPoolConfiguration()
        poolConfiguration.minimumConnectionCount = configuration.minimumConnections
        poolConfiguration.maximumConnectionSoftLimit = max(1, configuration.maximumConnections)
        poolConfiguration.maximumConnectionHardLimit = max(1, configuration.maximumConnections)
        poolConfiguration.idleTimeout = configuration.idleTimeout
        poolConfiguration.circuitBreakerTripAfter = configuration.circuitBreakerTripAfter
        let connectionConfiguration = configuration.connection
        let keepAlive = MySQLKeepAliveBehavior(
            keepAliveFrequency: configuration.keepAliveFrequency, maximumLifetime: configuration.maximumLifetime)
        let observer = PoolObserver(
            system: "mysql", name: "MySQL", keepAlive: "COM_PING", server: Self.address(of: connectionConfiguration),
            logger: logger, instrumentation: connectionConfiguration.instrumentation
        ) { $0 is MySQLConnectionExpired }
        self.parked = ParkedLeases(observer: observer) { !$0.connection.isClosed }
        self.pool = Pool(
            configuration: poolConfiguration,
            idGenerator: ConnectionIDGenerator(),
            requestType: PoolLeaseRequest<PooledMySQLConnection>.self,
            keepAliveBehavior: keepAlive,
            observabilityDelegate: observer,
            clock: ContinuousClock()
        ) { id, _ in
            var connectionLogger = logger
            connectionLogger[metadataKey: "mysql.connection"] = "\(id)"
            let connection = try await MySQLConnection.connect(
                configuration: connectionConfiguration, eventLoopGroup: eventLoopGroup, logger: connectionLogger)
            return ConnectionAndMetadata(
                connection: PooledMySQLConnection(id: id, connection: connection, openedAt: .now),
                maximalStreamsOnConnection: 1)
        }
    }

    static func address(of configuration: MySQLConfiguration) -> String {
        "\(configuration.host):\(configuration.port)"
    }

    /// Maintains the connections until the task is cancelled, then closes them all.
    public func run() async throws {
        let pool = self.pool
        await parked.run(pool: { await pool.run() }, forceShutdown: { pool.triggerForceShutdown() })
    }

    /// Leases a connection for the duration of `body`, then resets it and returns it to
    /// the pool.
    ///
    /// Waits at most `leaseTimeout` (default ``MySQLPoolConfiguration/leaseTimeout``) for a
    /// free connection, then throws ``MySQLPoolError`` (`mysql.pool.timeout`). The
    /// connection is exclusive to `body`, so session variables, temporary tables and
    /// `LOCK TABLES` work in it; they are cleared (`COM_RESET_CONNECTION`) before the next
    /// lease, even when `body` throws or its task is cancelled.
    ///
    /// By default `body` runs on the connection's event loop, so its round trips cost no
    /// thread hops; keep CPU-heavy work out of it (do it after `withConnection` returns),
    /// since the event loop serves no other connection meanwhile. A body of one round trip
    /// gains nothing there: the hop onto the event loop and back costs what the round trip
    /// would, and the task's executor preference adds a lookup to every suspension. Pass
    /// `onEventLoop: false` for such a body; it then runs where the caller does.
    ///
    /// ```swift
    /// let names = try await pool.withConnection { connection in
    ///     try await connection.query("SET @limit = 10")
    ///     return try await connection.query("SELECT name FROM users LIMIT 10")
    /// }
    /// ```
    public func withConnection<Value: Sendable>(
        leaseTimeout: Duration? = nil, onEventLoop: Bool = true, _ body: (MySQLConnection) async throws -> Value
    ) async throws -> Value {
        let lease = try await lease(timeout: leaseTimeout ?? configuration.leaseTimeout)
        guard onEventLoop else { return try await run(body, on: lease) }
        // On the connection's event loop, each round trip resumes without a thread hop.
        return try await withTaskExecutorPreference(lease.connection.connection.taskExecutor) {
            try await run(body, on: lease)
        }
    }

    /// Runs `body` with the leased connection, then returns the connection to the pool.
    private func run<Value: Sendable>(
        _ body: (MySQLConnection) async throws -> Value, on lease: ConnectionLease<PooledMySQLConnection>
    ) async throws -> Value {
        let outcome: Result<Value, any Error>
        do {
            outcome = .success(try await body(lease.connection.connection))
        } catch {
            outcome = .failure(error)
        }
        await recycle(lease)
        return try outcome.get()
    }

    /// Runs one statement (text protocol) on a pooled connection. If that connection turns
    /// out to have closed before the statement was written, the statement runs once more on
    /// another; a statement that may have reached the server is never repeated.
    ///
    /// ```swift
    /// let result = try await pool.query("SELECT id, name FROM users")
    /// ```
    @discardableResult
    public func query(_ sql: String, leaseTimeout: Duration? = nil) async throws -> MySQLQueryResult {
        try await Self.retryingUnsent {
            try await withConnection(leaseTimeout: leaseTimeout, onEventLoop: false) { try await $0.query(sql) }
        }
    }

    /// Runs one statement with `?` placeholders bound to `binds` on a pooled connection
    /// (a prepared statement when there are binds; see ``MySQLConnection/query(_:_:)``),
    /// once more on another connection if the first had closed before it was written.
    ///
    /// ```swift
    /// let result = try await pool.query("SELECT name FROM users WHERE id = ?", [42])
    /// ```
    @discardableResult
    public func query(_ sql: String, _ binds: [any MySQLEncodable], leaseTimeout: Duration? = nil) async throws -> MySQLQueryResult {
        try await Self.retryingUnsent {
            try await withConnection(leaseTimeout: leaseTimeout, onEventLoop: false) { try await $0.query(sql, binds) }
        }
    }

    /// Runs `statement` and, if it failed because its connection had closed before the
    /// statement was written, once more (on another connection). Nothing else is retried:
    /// not a statement that reached the server, and never a data error.
    static func retryingUnsent<Value>(_ statement: () async throws -> Value) async throws -> Value {
        do {
            return try await statement()
        } catch let error as MySQLConnectionError where !error.commandSent {
            return try await statement()
        }
    }

    /// Resets a leased connection (unless ``MySQLPoolConfiguration/resetsReturnedConnections``
    /// is off) and hands it back, or retires it (closed, and given back once the pool has
    /// seen it close) when it is past its lifetime or the reset fails.
    private func recycle(_ lease: ConnectionLease<PooledMySQLConnection>) async {
        let pooled = lease.connection
        guard !pooled.connection.isClosed else { return parked.park(lease) }
        if pooled.hasOutlived(configuration.maximumLifetime) {
            logger.debug(
                "MySQL pool connection reached its maximum lifetime; closing it",
                metadata: ["mysql.connection": "\(pooled.id)"])
            return await parked.retire(lease)
        }
        if configuration.resetsReturnedConnections {
            do {
                try await pooled.connection.send(.resetConnection, evenIfCancelled: true)
            } catch {
                logger.warning(
                    "MySQL pool could not reset a returned connection (COM_RESET_CONNECTION); closing it",
                    metadata: ["mysql.connection": "\(pooled.id)", "error": "\(error)"])
                return await parked.retire(lease)
            }
        }
        parked.park(lease)
    }

    private func lease(timeout: Duration) async throws -> ConnectionLease<PooledMySQLConnection> {
        let address = Self.address(of: configuration.connection)
        let pool = self.pool
        return try await parked.lease(
            timeout: timeout, submit: { pool.leaseConnection($0) }, cancel: { pool.cancelLeaseConnection($0) }
        ) { failure in
            switch failure {
            case .timeout(let timeout): MySQLPoolError(.timeout, address: address, timeout: timeout)
            case .shutdown: MySQLPoolError(.shutdown, address: address)
            case .unavailable(let error): MySQLPoolError(.unavailable, address: address, underlying: error)
            }
        }
    }
}
