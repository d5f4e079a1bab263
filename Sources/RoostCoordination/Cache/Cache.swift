import Foundation

/// A key-value cache of `Codable` values with per-entry time to live, shared by
/// everyone who uses the same backend.
///
/// Values are stored as JSON, so any process that agrees on a key's type can read what
/// another wrote. ``getOrCompute(_:ttl:waitTimeout:compute:)`` fills a missing entry
/// with stampede protection: one caller computes, the others wait for its result.
///
/// ```swift
/// let cache: any Cache = InMemoryCache(maxEntries: 10_000)
/// let users = cache.namespace("users")
/// let profile = try await users.getOrCompute("42", ttl: .seconds(300), waitTimeout: .seconds(5)) {
///     try await database.loadProfile(id: 42)
/// }
/// ```
public protocol Cache: Sendable {
    /// The value stored at `key`, or nil when absent or expired.
    ///
    /// - Throws: ``CacheError/Reason/decodingFailed`` when the entry is not a `Value`.
    func get<Value: Codable & Sendable>(_ key: String, as type: Value.Type) async throws -> Value?

    /// Stores `value` at `key`, replacing any entry, expiring after `ttl` (nil: never,
    /// though a bounded cache may evict it earlier).
    ///
    /// - Throws: ``CacheError/Reason/encodingFailed`` or ``CacheError/Reason/invalidTTL(_:)``.
    func set<Value: Codable & Sendable>(_ key: String, to value: Value, ttl: Duration?) async throws

    /// Removes the entry at `key`; returns whether a live entry was there.
    @discardableResult
    func delete(_ key: String) async throws -> Bool

    /// The value at `key`; when it is missing, computes it once and stores it for `ttl`.
    ///
    /// Concurrent callers for the same missing key do not all compute: one does and the
    /// others wait up to `waitTimeout` for its result. A failed computation reaches every
    /// waiter as ``CacheError/Reason/computeFailed`` (the computing caller included) and
    /// caches nothing. If the computing caller is cancelled, a waiter takes over.
    ///
    /// - Throws: ``CacheError/Reason/computeFailed``, ``CacheError/Reason/waitTimeout(_:)``,
    ///   ``CacheError/Reason/invalidTTL(_:)``, ``CacheError/Reason/invalidTimeout(_:)``,
    ///   or a coding error.
    func getOrCompute<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, waitTimeout: Duration, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value
}

extension Cache {
    /// The value stored at `key` as the type the context expects.
    public func get<Value: Codable & Sendable>(_ key: String) async throws -> Value? {
        try await get(key, as: Value.self)
    }

    /// A view of this cache whose keys are all prefixed with `name` and a colon, so that
    /// different kinds of entries cannot collide.
    ///
    /// ```swift
    /// let sessions = cache.namespace("sessions")
    /// try await sessions.set("abc", to: session, ttl: .seconds(1_800)) // stored as "sessions:abc"
    /// ```
    public func namespace(_ name: String) -> NamespacedCache<Self> {
        NamespacedCache(base: self, prefix: name + ":")
    }
}

/// A ``Cache`` view that prefixes every key; see ``Cache/namespace(_:)``.
public struct NamespacedCache<Base: Cache>: Cache {
    /// The cache underneath.
    public let base: Base
    /// The prefix added to every key.
    public let prefix: String

    /// The value at the prefixed key.
    public func get<Value: Codable & Sendable>(_ key: String, as type: Value.Type) async throws -> Value? {
        try await base.get(prefix + key, as: type)
    }

    /// Stores at the prefixed key.
    public func set<Value: Codable & Sendable>(_ key: String, to value: Value, ttl: Duration?) async throws {
        try await base.set(prefix + key, to: value, ttl: ttl)
    }

    /// Removes the prefixed key.
    @discardableResult
    public func delete(_ key: String) async throws -> Bool {
        try await base.delete(prefix + key)
    }

    /// Gets or computes the prefixed key.
    public func getOrCompute<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, waitTimeout: Duration, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await base.getOrCompute(prefix + key, ttl: ttl, waitTimeout: waitTimeout, compute: compute)
    }

    /// A nested namespace: `outer:inner:key`.
    public func namespace(_ name: String) -> NamespacedCache<Base> {
        NamespacedCache(base: base, prefix: prefix + name + ":")
    }
}

/// JSON coding of cache values with typed errors, for cache implementations.
public enum CacheCoding {
    /// Encodes `value` as JSON.
    public static func encode<Value: Encodable>(_ value: Value, key: String) throws -> Data {
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw CacheError(key: key, reason: .encodingFailed, underlying: error)
        }
    }

    /// Decodes JSON as a `Value`.
    public static func decode<Value: Decodable>(_ data: Data, as type: Value.Type, key: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw CacheError(key: key, reason: .decodingFailed, underlying: error)
        }
    }
}
