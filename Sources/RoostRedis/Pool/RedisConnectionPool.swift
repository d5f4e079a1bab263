import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import RoostPoolSupport
import _ConnectionPoolModule

/// A pool of ``RedisConnection``s: it opens connections on demand up to a maximum, keeps a
/// minimum open, pings idle ones, closes surplus idle ones, and reconnects with backoff
/// after the server goes away.
///
/// The pool is a `Service`: it works while ``run()`` runs, and shuts down when that task
/// is cancelled (or when the service group stops).
///
/// ```swift
/// let pool = RedisConnectionPool(configuration: RedisPoolConfiguration(
///     connection: try RedisConnectionConfiguration(url: "redis://localhost")))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await pool.run() }
///     let visits = try await pool.withConnection { try await $0.increment("visits") }
///     group.cancelAll()
/// }
/// ```
public final class RedisConnectionPool: Service {
    typealias Pool = ConnectionPool<
        PooledRedisConnection, Int, ConnectionIDGenerator, PoolLeaseRequest<PooledRedisConnection>, Int,
        RedisKeepAliveBehavior, PoolObserver, ContinuousClock
    >

    /// The configuration the pool was created with.
    public let configuration: RedisPoolConfiguration
    private let pool: Pool
    private let parked: ParkedLeases<PooledRedisConnection>
    private let shared: SharedRedisConnections

    /// Creates a pool; no connection opens before ``run()`` starts.
    public init(
        configuration: RedisPoolConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.redis.pool")
    ) {
        self.configuration = configuration
        var poolConfiguration = ConnectionPoolConfiguration()
        poolConfiguration.minimumConnectionCount = configuration.minimumConnections
        poolConfiguration.maximumConnectionSoftLimit = max(1, configuration.maximumConnections)
        poolConfiguration.maximumConnectionHardLimit = max(1, configuration.maximumConnections)
        poolConfiguration.idleTimeout = configuration.idleTimeout
        poolConfiguration.circuitBreakerTripAfter = configuration.circuitBreakerTripAfter
        let connectionConfiguration = configuration.connection
        let observer = PoolObserver(
            system: "redis", name: "Redis", keepAlive: "PING", server: connectionConfiguration.address, logger: logger,
            instrumentation: connectionConfiguration.instrumentation)
        self.parked = ParkedLeases(observer: observer) { $0.connection.isOpen }
        // At least one connection stays for `withConnection`.
        self.shared = SharedRedisConnections(
            count: min(configuration.sharedConnections, max(1, configuration.maximumConnections) - 1))
        self.pool = Pool(
            configuration: poolConfiguration,
            idGenerator: ConnectionIDGenerator(),
            requestType: PoolLeaseRequest<PooledRedisConnection>.self,
            keepAliveBehavior: RedisKeepAliveBehavior(keepAliveFrequency: configuration.keepAliveFrequency),
            observabilityDelegate: observer,
            clock: ContinuousClock()
        ) { id, _ in
            var connectionLogger = logger
            connectionLogger[metadataKey: "redis.connection"] = "\(id)"
            let connection = try await RedisConnection.connect(
                configuration: connectionConfiguration, eventLoop: eventLoopGroup.any(), logger: connectionLogger)
            return ConnectionAndMetadata(
                connection: PooledRedisConnection(id: id, connection: connection), maximalStreamsOnConnection: 1)
        }
    }

    /// Maintains the connections until the task is cancelled, then closes them all.
    public func run() async throws {
        let pool = self.pool
        await withTaskCancellationHandler {
            await parked.run(pool: { await pool.run() }) {
                self.stopSharing()
                pool.triggerForceShutdown()
            }
        } onCancel: {
            stopSharing()
        }
        stopSharing()
    }

    /// Gives the shared connections back; from now on every command leases its own.
    private func stopSharing() {
        for lease in shared.close() { parked.park(lease) }
    }

    /// Leases a connection for the duration of `body`, then returns it to the pool.
    ///
    /// Waits at most `leaseTimeout` (default ``RedisPoolConfiguration/leaseTimeout``) for a
    /// free connection, then throws ``RedisPoolError``. The connection is exclusive to `body`, so `MULTI`/`EXEC`,
    /// `WATCH` and blocking commands are safe in it.
    ///
    /// `body` runs on the connection's event loop, so its round trips cost no thread
    /// hops; keep CPU-heavy work out of it, since the event loop serves no other
    /// connection meanwhile.
    ///
    /// ```swift
    /// let name = try await pool.withConnection { try await $0.getString("user:1:name") }
    /// ```
    public func withConnection<Result: Sendable>(
        leaseTimeout: Duration? = nil, _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let lease = try await lease(timeout: leaseTimeout ?? configuration.leaseTimeout)
        defer { parked.park(lease) }
        let connection = lease.connection.connection
        // On the connection's event loop, each round trip resumes without a thread hop.
        return try await withTaskExecutorPreference(connection.taskExecutor) { try await body(connection) }
    }

    /// Sends one command, on a connection that other callers share
    /// (``RedisPoolConfiguration/sharedConnections``) when the command allows it.
    ///
    /// Commands from many tasks then travel pipelined on a few connections, which costs
    /// the server and the client far fewer system calls than a connection per caller. A
    /// command that blocks or that changes or depends on its connection's state (`BLPOP`,
    /// `SELECT`, `MULTI`, `SUBSCRIBE`, `CLIENT` …) goes on a connection leased for it
    /// alone, as does every command when sharing is off.
    ///
    /// Throws ``RedisPoolError`` when no connection can be had within the lease timeout,
    /// and whatever ``RedisConnection/send(_:timeout:)`` throws.
    ///
    /// ```swift
    /// let visits = try await pool.send(RedisCommand("INCR", "visits")).integer
    /// ```
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws -> RESPValue {
        guard command.canShareConnection else { return try await sendAlone(command, timeout: timeout) }
        switch shared.pick() {
        case .shared(let connection):
            return try await connection.send(command, timeout: timeout)
        case .fill(let index, let stale):
            if let stale { parked.park(stale) }
            let lease: ConnectionLease<PooledRedisConnection>
            do {
                lease = try await self.lease(timeout: configuration.leaseTimeout)
            } catch {
                shared.unfill(index)
                throw error
            }
            let connection = lease.connection.connection
            guard shared.fill(index, with: lease) else {
                defer { parked.park(lease) }
                return try await connection.send(command, timeout: timeout)
            }
            return try await connection.send(command, timeout: timeout)
        case .lease:
            return try await sendAlone(command, timeout: timeout)
        }
    }

    /// Sends `command` on a connection leased for it alone.
    private func sendAlone(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        try await withConnection { try await $0.send(command, timeout: timeout) }
    }

    private func lease(timeout: Duration) async throws -> ConnectionLease<PooledRedisConnection> {
        let address = configuration.connection.address
        let pool = self.pool
        return try await parked.lease(
            timeout: timeout, submit: { pool.leaseConnection($0) }, cancel: { pool.cancelLeaseConnection($0) }
        ) { failure in
            switch failure {
            case .timeout(let timeout): RedisPoolError(.timeout, address: address, timeout: timeout)
            case .shutdown: RedisPoolError(.shutdown, address: address)
            case .unavailable(let error): RedisPoolError(.unavailable, address: address, underlying: error)
            }
        }
    }
}
