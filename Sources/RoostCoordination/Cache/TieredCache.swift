/// Announces that a cache entry changed, so that other instances drop their local copy.
public struct CacheInvalidation: Event, Equatable {
    /// `roost.cache.invalidated`
    public static let eventType = "roost.cache.invalidated"
    /// The changed key, including its namespace.
    public var key: String
    /// The instance that changed it (which has already updated its own copy).
    public var origin: String

    /// Creates an invalidation.
    public init(key: String, origin: String) {
        self.key = key
        self.origin = origin
    }
}

/// A ``Cache`` with two tiers: a small local cache (usually an ``InMemoryCache``) in
/// front of a shared one (usually a server), kept coherent by broadcasting
/// ``CacheInvalidation`` events on an ``EventBus``.
///
/// Reads try the local tier first and copy misses from the shared tier. Writes and
/// deletes go to both tiers and announce the key, and every other instance drops its
/// local copy when the announcement arrives. Until then it may serve the old value, so
/// local copies live at most `localTTL`: that bounds how stale a read can be even if
/// announcements are lost. ``run()`` must be running to receive them.
///
/// ```swift
/// let cache = TieredCache(local: InMemoryCache(maxEntries: 1_000), shared: redisCache, bus: redisBus,
///                         localTTL: .seconds(30))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await cache.run() }
///     // ... serve requests using `cache` ...
/// }
/// ```
public final class TieredCache<Local: Cache, Shared: Cache, Bus: EventBus>: Cache {
    /// The in-process tier.
    public let local: Local
    /// The tier shared by every instance.
    public let shared: Shared
    /// The bus that carries invalidations.
    public let bus: Bus
    /// The longest a local copy lives.
    public let localTTL: Duration
    /// This instance's name in invalidations.
    public let instanceID: String

    /// Creates a tiered cache.
    ///
    /// - Parameters:
    ///   - local: The in-process tier.
    ///   - shared: The tier shared by every instance.
    ///   - bus: The bus that carries invalidations between instances.
    ///   - localTTL: The longest a local copy lives; positive.
    ///   - instanceID: This instance's name in invalidations; random by default.
    public init(local: Local, shared: Shared, bus: Bus, localTTL: Duration, instanceID: String = LockLease.randomToken()) {
        precondition(localTTL > .zero, "localTTL must be positive")
        self.local = local
        self.shared = shared
        self.bus = bus
        self.localTTL = localTTL
        self.instanceID = instanceID
    }

    /// Drops local copies that other instances announce as changed, until the bus shuts
    /// down (then returns) or the task is cancelled.
    public func run() async throws {
        try await bus.listen(to: CacheInvalidation.self) { invalidation in
            guard invalidation.origin != self.instanceID else { return }
            try await self.local.delete(invalidation.key)
        }
    }

    /// The value at `key`, from the local tier or else the shared one.
    public func get<Value: Codable & Sendable>(_ key: String, as type: Value.Type) async throws -> Value? {
        if let value = try await local.get(key, as: type) { return value }
        guard let value = try await shared.get(key, as: type) else { return nil }
        try await local.set(key, to: value, ttl: localTTL)
        return value
    }

    /// Stores `value` in both tiers and announces the change.
    public func set<Value: Codable & Sendable>(_ key: String, to value: Value, ttl: Duration?) async throws {
        try await shared.set(key, to: value, ttl: ttl)
        try await local.set(key, to: value, ttl: localLifetime(ttl))
        try await bus.publish(CacheInvalidation(key: key, origin: instanceID))
    }

    /// Removes `key` from both tiers and announces the change; returns whether the
    /// shared tier had it.
    @discardableResult
    public func delete(_ key: String) async throws -> Bool {
        let existed = try await shared.delete(key)
        try await local.delete(key)
        try await bus.publish(CacheInvalidation(key: key, origin: instanceID))
        return existed
    }

    /// The value at `key`, computed once across all instances (by the shared tier's
    /// stampede protection) when both tiers miss.
    public func getOrCompute<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, waitTimeout: Duration, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let value = try await local.get(key, as: Value.self) { return value }
        let value = try await shared.getOrCompute(key, ttl: ttl, waitTimeout: waitTimeout, compute: compute)
        try await local.set(key, to: value, ttl: localLifetime(ttl))
        return value
    }

    private func localLifetime(_ ttl: Duration?) -> Duration {
        ttl.map { min($0, localTTL) } ?? localTTL
    }
}
