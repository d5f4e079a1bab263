import RoostTasks

/// A mutual-exclusion lock shared by everyone who uses the same backend: one holder per
/// key at a time, across tasks, processes and machines.
///
/// A holder owns a key for a time to live (TTL) and must release or extend it before the
/// TTL ends, or the lock frees itself: a crashed holder cannot block others forever.
/// Every acquisition returns a ``LockLease`` with a random token (release and extend
/// only act when the token still owns the key) and a fencing token that grows strictly
/// per key.
///
/// Most code uses the scoped API, which renews the lease every `ttl / 3` while the body
/// runs, releases it afterwards, and cancels the body the moment the lease is lost:
///
/// ```swift
/// let lock: some DistributedLock = InMemoryLock()
/// try await lock.withLock("invoice:42", ttl: .seconds(10), timeout: .seconds(3)) { lease in
///     try await invoices.send(42, fencingToken: lease.fencingToken)
/// }
/// ```
///
/// Locks are **not reentrant** by default: a `withLock` for a key that the same task (or
/// a child task it started inside the scope) already holds through an enclosing
/// `withLock` on the same lock object throws ``LockError/Reason/reentrant`` at once
/// instead of waiting for itself until the timeout. Leases taken with
/// ``acquire(_:ttl:timeout:)`` outside a scope are not tracked. Pass ``ReentrancyPolicy/reuse`` to run the nested scope under the outer
/// lease instead.
///
/// ``InMemoryLock`` is the embedded implementation; distributed backends implement the
/// same protocol. Implementations provide the primitives (``tryAcquire(_:ttl:)``,
/// ``release(_:)``, ``extend(_:ttl:)``, ``isLocked(_:)``, ``forceRelease(_:)``); waiting,
/// renewal and scoping come from extensions and may be overridden where the backend can
/// do better than polling.
public protocol DistributedLock: AnyObject, Sendable {
    /// The clock that timeouts, retry delays and renewals are measured on.
    associatedtype LockClock: Clock where LockClock.Duration == Duration

    /// The clock that timeouts, retry delays and renewals are measured on.
    var clock: LockClock { get }

    /// The delays between attempts while ``acquire(_:ttl:timeout:)`` or
    /// ``waitUntilFree(_:timeout:)`` wait. Jitter keeps many waiters from retrying in step.
    var retryBackoff: Backoff { get }

    /// Acquires `key` for `ttl` if nobody holds it; returns nil at once if somebody does.
    ///
    /// - Throws: ``LockError/Reason/invalidTTL(_:)`` for a TTL that is not positive, or
    ///   the backend's error.
    func tryAcquire(_ key: String, ttl: Duration) async throws -> LockLease?

    /// Acquires `key` for `ttl`, waiting up to `timeout` (zero tries once) with jittered
    /// retries for the current holder to release it or expire.
    ///
    /// - Throws: ``LockError/Reason/timeout(_:)`` when the key stayed held,
    ///   ``LockError/Reason/invalidTTL(_:)`` or ``LockError/Reason/invalidTimeout(_:)``
    ///   for bad arguments, `CancellationError` when cancelled while waiting.
    func acquire(_ key: String, ttl: Duration, timeout: Duration) async throws -> LockLease

    /// Releases the lease if it still owns its key. Returns false (and frees nothing) when
    /// it had already expired or been taken over. The lease is released either way.
    @discardableResult
    func release(_ lease: LockLease) async throws -> Bool

    /// Resets the lease's time to live to `ttl` from now, if it still owns its key.
    /// Returns false, and marks the lease lost, when it no longer does.
    func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool

    /// Whether somebody holds `key` now.
    func isLocked(_ key: String) async throws -> Bool

    /// Suspends until nobody holds `key`, for at most `timeout`.
    ///
    /// - Throws: ``LockError/Reason/timeout(_:)`` when it stayed held.
    func waitUntilFree(_ key: String, timeout: Duration) async throws

    /// Frees `key` whoever holds it: an administrative escape hatch for a holder known
    /// to be stuck. The holder's lease is lost. Returns whether the key was held.
    @discardableResult
    func forceRelease(_ key: String) async throws -> Bool
}

extension DistributedLock {
    /// Retries start at 10 ms and grow to 1 s, with equal jitter.
    public var retryBackoff: Backoff {
        Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)
    }

    /// Acquires `key`, polling ``tryAcquire(_:ttl:)`` with ``retryBackoff`` until it
    /// succeeds or `timeout` has passed on ``clock``.
    public func acquire(_ key: String, ttl: Duration, timeout: Duration) async throws -> LockLease {
        try validateLockArguments(key, ttl: ttl, timeout: timeout)
        let deadline = clock.now.advanced(by: timeout)
        return try await pollUntil(key, deadline: deadline, timeout: timeout) {
            try await self.tryAcquire(key, ttl: ttl)
        }
    }

    /// Waits for `key` to be free, polling ``isLocked(_:)`` with ``retryBackoff``.
    public func waitUntilFree(_ key: String, timeout: Duration) async throws {
        try validateLockArguments(key, ttl: nil, timeout: timeout)
        let deadline = clock.now.advanced(by: timeout)
        try await pollUntil(key, deadline: deadline, timeout: timeout) {
            try await self.isLocked(key) ? nil : ()
        }
    }

    /// Calls `attempt` until it returns a value, sleeping a jittered backoff in between,
    /// and throws a timeout once `deadline` has passed.
    func pollUntil<Value>(
        _ key: String, deadline: LockClock.Instant, timeout: Duration, attempt: () async throws -> Value?
    ) async throws -> Value {
        var random = SystemRandomNumberGenerator()
        var retry = 0
        while true {
            if let value = try await attempt() { return value }
            let now = clock.now
            guard now < deadline else { throw LockError(key: key, reason: .timeout(timeout)) }
            retry += 1
            let delay = retryBackoff.delay(beforeRetry: retry, using: &random)
            try await clock.sleep(until: min(now.advanced(by: delay), deadline), tolerance: nil)
        }
    }
}

/// Checks the arguments shared by lock operations.
func validateLockArguments(_ key: String, ttl: Duration?, timeout: Duration?) throws {
    if let ttl, ttl <= .zero { throw LockError(key: key, reason: .invalidTTL(ttl)) }
    if let timeout, timeout < .zero { throw LockError(key: key, reason: .invalidTimeout(timeout)) }
}
