/// Memoizes an async function per key for a time-to-live (the peers' `FuncCache`).
///
/// A call for a key with a live result returns it at once. Otherwise the function runs,
/// and concurrent calls for the same key share that one run (``SingleFlight``). A
/// successful result is kept for `ttl` on the injected clock; an error reaches every
/// waiting caller and is not kept, so the next call runs the function again.
/// ``invalidate(_:)`` forgets a kept result; a run already in progress still keeps its
/// result when it ends.
///
/// ```swift
/// let profiles = TTLMemo<Int, Profile, ContinuousClock>(ttl: .seconds(30), clock: ContinuousClock()) { id in
///     try await database.fetchProfile(id: id)
/// }
/// let profile = try await profiles.value(for: 42)
/// ```
public final class TTLMemo<Key: Hashable & Sendable, Value: Sendable, C: Clock>: Sendable
where C.Duration == Duration {
    private let cache: TTLCache<Key, Value, C>
    private let flights = SingleFlight<Key, Value>()
    private let function: @Sendable (Key) async throws -> Value

    /// Creates a memo of `function`.
    ///
    /// - Parameters:
    ///   - ttl: How long a result is reused; greater than 0.
    ///   - clock: The clock that measures the time-to-live.
    ///   - function: The function whose results are memoized.
    public init(ttl: Duration, clock: C, function: @escaping @Sendable (Key) async throws -> Value) {
        cache = TTLCache(defaultTTL: ttl, clock: clock)
        self.function = function
    }

    /// The time a result is reused.
    public var ttl: Duration { cache.defaultTTL }

    /// The result of the function for `key`: the memoized one while it lives, otherwise a
    /// fresh (or in-progress) run's.
    ///
    /// - Throws: The function's error, or `CancellationError` if this caller is cancelled
    ///   while waiting.
    public func value(for key: Key) async throws -> Value {
        if let value = cache.value(for: key) { return value }
        return try await flights.run(key: key) { [cache, function] in
            if let value = cache.value(for: key) { return value }
            let value = try await function(key)
            cache.set(value, for: key)
            return value
        }
    }

    /// Forgets the result for `key`, so that the next call runs the function.
    public func invalidate(_ key: Key) { cache.removeValue(for: key) }

    /// Forgets every result.
    public func invalidateAll() { cache.removeAll() }
}

extension TTLMemo where C == ContinuousClock {
    /// Creates a memo whose results expire on the system's continuous clock.
    public convenience init(ttl: Duration, function: @escaping @Sendable (Key) async throws -> Value) {
        self.init(ttl: ttl, clock: ContinuousClock(), function: function)
    }
}
