import Foundation
import Logging
import RoostConfig
import RoostCoordination
import RoostCore
import RoostRedis
import RoostTasks
import ServiceLifecycle

/// The demo's locks, events, caches and rate limits: in this process by default, on Redis
/// when `ROOST_REDIS_URL` is set, so that several instances share them. The rest of the
/// demo sees only RoostCoordination's protocols.
struct Coordination: Sendable {
    /// Serialises orders per product; its fencing tokens are stored with the orders.
    let lock: any DistributedLock
    /// Carries `OrderPlaced` (durable to the statistics consumer, broadcast to WebSockets)
    /// and cache invalidations.
    let bus: any EventBus
    /// Product reads: a local tier in front of the shared one, with stampede protection.
    let cache: any Cache
    /// Write requests per client IP.
    let writeLimiter: any RateLimiter
    /// What must run while the demo serves (connection pools, the bus, the cache's
    /// invalidation listener), in start order. They stop in reverse order, so the bus's
    /// listeners stop before the bus does: a listener whose bus ended under it would
    /// return before being asked to, which its service group reports as a failure.
    let services: [any Service]
    /// Readiness checks beyond the database.
    let checks: [any HealthCheck]
    /// `memory` or `redis`, for logs and `/stats`.
    let backend: String

    /// Everything in this process.
    static func inMemory(writesPerMinute: Int) -> Coordination {
        let bus = InMemoryEventBus()
        let cache = TieredCache(
            local: InMemoryCache(maxEntries: 1_000), shared: InMemoryCache(maxEntries: 10_000),
            bus: bus, localTTL: .seconds(30))
        return Coordination(
            lock: InMemoryLock(clock: ContinuousClock(), retryBackoff: queueBackoff), bus: bus, cache: cache,
            writeLimiter: InMemoryRateLimiter(strategy: writeStrategy(writesPerMinute)),
            services: [EventBusShutdownService(bus: bus), CacheInvalidationService(cache: cache)],
            checks: [], backend: "memory")
    }

    /// Everything on the Redis server of `settings`, under keys starting with `prefix`.
    static func redis(_ settings: RedisSettings, prefix: String, writesPerMinute: Int, logger: Logger) throws -> Coordination {
        var connection = try RedisConnectionConfiguration(url: settings.url)
        connection.connectTimeout = .milliseconds(Int64(settings.pool.connectTimeoutSeconds * 1000))
        connection.commandTimeout = .milliseconds(Int64(settings.pool.operationTimeoutSeconds * 1000))
        var poolConfiguration = RedisPoolConfiguration(connection: connection)
        poolConfiguration.minimumConnections = settings.pool.minimumConnections
        poolConfiguration.maximumConnections = settings.pool.maximumConnections
        poolConfiguration.sharedConnections = settings.sharedConnections
        let pool = RedisConnectionPool(configuration: poolConfiguration, logger: logger)
        var busConfiguration = RedisEventBus.Configuration(connection: connection)
        busConfiguration.namespace = prefix + "events:"
        let bus = RedisEventBus(configuration: busConfiguration, logger: logger)
        let cache = TieredCache(
            local: InMemoryCache(maxEntries: 1_000),
            shared: RedisCache(client: pool, namespace: prefix + "cache:", computeLease: .seconds(10)),
            bus: bus, localTTL: .seconds(30))
        let lock = RedisLock(client: pool, namespace: prefix + "lock:", retryBackoff: queueBackoff)
        return Coordination(
            lock: lock, bus: bus, cache: cache,
            writeLimiter: RedisRateLimiter(client: pool, strategy: writeStrategy(writesPerMinute), namespace: prefix + "rate:"),
            services: [pool, bus, CacheInvalidationService(cache: cache)],
            checks: [ClosureHealthCheck("redis") { _ = try await pool.send(RedisCommand("PING"), timeout: .seconds(2)) }],
            backend: "redis")
    }

    /// Many orders queue on one product's lock: waiters poll often so the queue drains quickly.
    static let queueBackoff = Backoff(base: .milliseconds(5), cap: .milliseconds(100), jitter: .equal)

    /// A token bucket of `perMinute` writes that refills continuously.
    static func writeStrategy(_ perMinute: Int) -> RateLimitStrategy {
        .tokenBucket(capacity: perMinute, refill: perMinute, interval: .seconds(60))
    }
}

/// Keeps a ``TieredCache`` listening for other instances' invalidations.
struct CacheInvalidationService<Local: Cache, Shared: Cache, Bus: EventBus>: Service {
    let cache: TieredCache<Local, Shared, Bus>

    func run() async throws {
        try await untilGracefulShutdown { try await cache.run() }
    }
}

/// Shuts an in-process bus down gracefully when the service group stops, letting the
/// statistics consumer finish the events it holds.
struct EventBusShutdownService: Service {
    let bus: any EventBus

    func run() async throws {
        try? await gracefulShutdown()
        await bus.shutdown()
    }
}

/// Runs `body` until it returns or a graceful shutdown cancels it; that cancellation is a
/// clean end, not a failure of the service.
func untilGracefulShutdown(_ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(body)
    } catch is CancellationError where Task.isShuttingDownGracefully {
        // Stopped by the shutdown, as asked.
    }
}
