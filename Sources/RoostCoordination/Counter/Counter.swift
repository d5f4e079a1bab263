/// Named integer counters shared by everyone who uses the same backend: request counts,
/// quotas, period counters.
///
/// A key that does not exist counts as zero. A counter created with a time to live
/// expires as a whole that long after its creation (later changes do not extend it),
/// which makes "count per period" counters: the first hit of a period starts the period.
///
/// ```swift
/// let counters: any Counter = InMemoryCounter()
/// let hits = try await counters.increment("login:alice", by: 1, ttl: .seconds(60))
/// if hits > 5 { throw TooManyAttempts() }
/// ```
///
/// ``InMemoryCounter`` is the embedded implementation; distributed backends implement the
/// same protocol.
public protocol Counter: Sendable {
    /// Adds `amount` (which may be negative) to the counter at `key` and returns the new
    /// value. When the counter does not exist yet it starts at zero and, if `ttl` is
    /// given, expires `ttl` from now.
    ///
    /// - Throws: ``CounterError`` when the result would not fit in 64 bits or `ttl` is
    ///   not positive.
    func increment(_ key: String, by amount: Int64, ttl: Duration?) async throws -> Int64

    /// The counter's current value, or zero when it does not exist or has expired.
    func value(_ key: String) async throws -> Int64

    /// Removes the counter, so that it reads zero and its expiry is forgotten.
    func reset(_ key: String) async throws
}

extension Counter {
    /// Adds one (or `amount`) to the counter, without an expiry for new counters.
    @discardableResult
    public func increment(_ key: String, by amount: Int64 = 1) async throws -> Int64 {
        try await increment(key, by: amount, ttl: nil)
    }

    /// Subtracts `amount` (default one) from the counter and returns the new value.
    @discardableResult
    public func decrement(_ key: String, by amount: Int64 = 1, ttl: Duration? = nil) async throws -> Int64 {
        guard amount != .min else { throw CounterError(key: key, reason: .overflow) }
        return try await increment(key, by: -amount, ttl: ttl)
    }
}
