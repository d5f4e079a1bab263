import RoostTasks

/// Lets at most `limit` holders work on a key at once, across tasks, processes and
/// machines: "three exports per tenant", "one migration per database, two backups".
///
/// Each holder owns a slot through a lease with a time to live, like a
/// ``DistributedLock`` that admits `limit` holders: a holder that dies stops renewing and
/// its slot frees itself after the TTL. Each lease has a random token (release and extend
/// act only on that holder's slot) and a per-key sequence number in
/// ``LockLease/fencingToken``.
///
/// ```swift
/// let limiter: some DistributedConcurrencyLimiter = InMemoryConcurrencyLimiter()
/// try await limiter.withSlot("exports:tenant-7", limit: 3, ttl: .seconds(30), timeout: .seconds(10)) { _ in
///     try await exporter.run(tenant: 7)
/// }
/// ```
///
/// The limit is given per call, so every caller of a key must pass the same one. Slots
/// are not reentrant: a task that takes a second slot of a key it holds counts twice.
public protocol DistributedConcurrencyLimiter: Sendable {
    /// The clock that timeouts, retry delays and renewals are measured on.
    associatedtype LimiterClock: Clock where LimiterClock.Duration == Duration

    /// The clock that timeouts, retry delays and renewals are measured on.
    var clock: LimiterClock { get }

    /// The delays between attempts while ``acquire(_:limit:ttl:timeout:)`` waits.
    var retryBackoff: Backoff { get }

    /// Takes a slot of `key` for `ttl` if fewer than `limit` are taken; nil otherwise.
    ///
    /// - Throws: ``ConcurrencyLeaseError`` for bad arguments, or the backend's error.
    func tryAcquire(_ key: String, limit: Int, ttl: Duration) async throws -> LockLease?

    /// Takes a slot of `key`, waiting up to `timeout` (zero tries once) with jittered
    /// retries for one to free up.
    ///
    /// - Throws: ``ConcurrencyLeaseError/Reason/timeout(limit:timeout:)`` when none did,
    ///   ``ConcurrencyLeaseError`` for bad arguments, `CancellationError`.
    func acquire(_ key: String, limit: Int, ttl: Duration, timeout: Duration) async throws -> LockLease

    /// Frees the lease's slot if it still holds it; returns false when it had expired.
    @discardableResult
    func release(_ lease: LockLease) async throws -> Bool

    /// Resets the lease's time to live to `ttl` from now if it still holds its slot;
    /// returns false, and marks the lease lost, when it does not.
    func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool

    /// The number of slots of `key` taken now.
    func holderCount(_ key: String) async throws -> Int
}

extension DistributedConcurrencyLimiter {
    /// Retries start at 10 ms and grow to 1 s, with equal jitter.
    public var retryBackoff: Backoff {
        Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)
    }

    /// Takes a slot by polling ``tryAcquire(_:limit:ttl:)`` with ``retryBackoff``.
    public func acquire(_ key: String, limit: Int, ttl: Duration, timeout: Duration) async throws -> LockLease {
        try validateLeaseArguments(key, limit: limit, ttl: ttl, timeout: timeout)
        let deadline = clock.now.advanced(by: timeout)
        var random = SystemRandomNumberGenerator()
        var retry = 0
        while true {
            if let lease = try await tryAcquire(key, limit: limit, ttl: ttl) { return lease }
            let now = clock.now
            guard now < deadline else {
                throw ConcurrencyLeaseError(key: key, reason: .timeout(limit: limit, timeout: timeout))
            }
            retry += 1
            let delay = retryBackoff.delay(beforeRetry: retry, using: &random)
            try await clock.sleep(until: min(now.advanced(by: delay), deadline), tolerance: nil)
        }
    }

    /// Takes a slot of `key`, runs `body` while renewing the lease every `ttl / 3`, and
    /// frees the slot afterwards. If the lease is lost meanwhile, `body` is cancelled and
    /// ``LockLost`` is thrown, as with ``DistributedLock/withLock(_:ttl:timeout:reentrancy:_:)``.
    ///
    /// - Throws: ``ConcurrencyLeaseError`` when no slot was free in time, ``LockLost``,
    ///   or `body`'s error.
    public func withSlot<Value: Sendable>(
        _ key: String, limit: Int, ttl: Duration, timeout: Duration,
        _ body: sending @escaping (LockLease) async throws -> Value
    ) async throws -> Value {
        let lease = try await acquire(key, limit: limit, ttl: ttl, timeout: timeout)
        return try await withLeaseScope(
            lease, clock: clock, extend: { try await self.extend($0, ttl: $1) }, release: { try await self.release($0) },
            body)
    }
}
