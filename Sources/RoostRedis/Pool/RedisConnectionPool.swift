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
        try await onConnection(shared: command.canShareConnection) { try await $0.send(command, timeout: timeout) }
    }

    /// Writes all `commands` at once on one connection and returns each one's outcome, in
    /// order (see ``RedisConnection/pipeline(_:timeout:)``): on a shared connection when
    /// every command allows it, as ``send(_:timeout:)`` does, else on one leased for them.
    /// A `MULTI` … `EXEC` transaction that opens and closes within the pipeline shares too:
    /// written at once, nothing of another caller's can fall inside it.
    ///
    /// ```swift
    /// let results = try await pool.pipeline([RedisCommand("INCR", "a"), RedisCommand("INCR", "b")])
    /// ```
    public func pipeline(
        _ commands: [RedisCommand], timeout: Duration? = nil
    ) async throws -> [Result<RESPValue, any Error>] {
        try await onConnection(shared: commands.canShareConnection) {
            try await $0.pipeline(commands, timeout: timeout)
        }
    }

    /// Runs `body` on a shared connection when `shared` allows it and sharing is on, else
    /// on a connection leased for it alone. The first caller to find a shared slot empty
    /// (or its connection closed) leases the slot's connection.
    private func onConnection<Result: Sendable>(
        shared canShare: Bool, _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        guard canShare else { return try await withConnection(body) }
        switch shared.pick() {
        case .shared(let connection):
            return try await body(connection)
        case .fill(let index, let stale):
            if let stale { parked.park(stale) }
            let lease: ConnectionLease<PooledRedisConnection>
            do {
                lease = try await self.lease(timeout: configuration.leaseTimeout)
            } catch {
                shared.unfill(index)
                throw error
            }
            // When the pool is shutting down the slot stays empty and the lease goes back.
            let filled = shared.fill(index, with: lease)
            defer { if !filled { parked.park(lease) } }
            return try await body(lease.connection.connection)
        case .lease:
            return try await withConnection(body)
        }
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
