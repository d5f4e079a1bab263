import RoostTasks
import Synchronization

/// A ``DistributedLock`` held in this process's memory: the embedded default for a
/// service that runs on one machine, and exact about time because it reads the injected
/// clock.
///
/// Waiters do not only poll: a release wakes every task waiting in
/// ``acquire(_:ttl:timeout:)`` or ``waitUntilFree(_:timeout:)`` at once, and the jittered
/// retry still catches holders that expire. A lease that expires and is then taken over,
/// or that is force-released, is marked lost immediately, so `withLock` cancels its
/// body without waiting for the next renewal.
///
/// ```swift
/// let lock = InMemoryLock()
/// if let lease = try lock.tryAcquire("cleanup", ttl: .seconds(30)) {
///     try await cleanUp(fencingToken: lease.fencingToken)
///     lock.release(lease)
/// }
/// ```
public final class InMemoryLock<C: Clock>: DistributedLock where C.Duration == Duration {
    fileprivate struct Holder {
        var lease: LockLease
        var expiresAt: C.Instant
    }

    fileprivate struct State {
        var holders: [String: Holder] = [:]
        /// The last fencing token per key; kept after release so tokens never repeat.
        var fences: [String: UInt64] = [:]
        var sweepThreshold = 1_024
    }

    /// The clock that TTLs, timeouts and renewals are measured on.
    public let clock: C
    /// The delays between attempts while waiting for a held key.
    public let retryBackoff: Backoff
    private let state = Mutex(State())
    private let released = ReleaseSignal()

    /// Creates a lock table.
    ///
    /// - Parameters:
    ///   - clock: The clock that measures TTLs, timeouts and renewal intervals.
    ///   - retryBackoff: The jittered delays between attempts while a key stays held.
    public init(clock: C, retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)) {
        self.clock = clock
        self.retryBackoff = retryBackoff
    }

    /// The number of keys held now (expired holders not yet noticed included).
    public var heldCount: Int { state.withLock { $0.holders.count } }

    /// Acquires `key` if it is free or its holder expired; see ``DistributedLock``.
    public func tryAcquire(_ key: String, ttl: Duration) throws -> LockLease? {
        try validateLockArguments(key, ttl: ttl, timeout: nil)
        return attempt(key, ttl: ttl)
    }

    /// Acquires `key`, waking when it is released and retrying with jitter for expiry.
    public func acquire(_ key: String, ttl: Duration, timeout: Duration) async throws -> LockLease {
        try validateLockArguments(key, ttl: ttl, timeout: timeout)
        return try await released.poll(
            clock: clock, backoff: retryBackoff, timeout: timeout,
            timeoutError: { LockError(key: key, reason: .timeout(timeout)) }
        ) { attempt(key, ttl: ttl) }
    }

    /// Waits until `key` is free, waking when it is released.
    public func waitUntilFree(_ key: String, timeout: Duration) async throws {
        try validateLockArguments(key, ttl: nil, timeout: timeout)
        try await released.poll(
            clock: clock, backoff: retryBackoff, timeout: timeout,
            timeoutError: { LockError(key: key, reason: .timeout(timeout)) }
        ) { isLocked(key) ? nil : () }
    }

    /// Releases the lease if it still owns its key.
    @discardableResult
    public func release(_ lease: LockLease) -> Bool {
        let now = clock.now
        let (removed, owned) = state.withLock { state -> (Bool, Bool) in
            guard let holder = state.holders[lease.key], holder.lease.token == lease.token else { return (false, false) }
            state.holders.removeValue(forKey: lease.key)
            return (true, holder.expiresAt > now)
        }
        lease.markReleased()
        if removed { released.signal() }
        return owned
    }

    /// Extends the lease by `ttl` from now if it still owns its key; otherwise marks it lost.
    public func extend(_ lease: LockLease, ttl: Duration) throws -> Bool {
        try validateLockArguments(lease.key, ttl: ttl, timeout: nil)
        let now = clock.now
        let owned = state.withLock { state -> Bool in
            guard let holder = state.live(lease.key, at: now), holder.lease.token == lease.token else { return false }
            state.holders[lease.key]!.expiresAt = now.advanced(by: ttl)
            return true
        }
        if !owned { lease.markLost(.expired) }
        return owned
    }

    /// Whether `key` is held by a holder that has not expired.
    public func isLocked(_ key: String) -> Bool {
        let now = clock.now
        return state.withLock { $0.live(key, at: now) != nil }
    }

    /// Frees `key` whoever holds it; the holder's lease is lost at once.
    @discardableResult
    public func forceRelease(_ key: String) -> Bool {
        let now = clock.now
        guard let holder = state.withLock({ $0.holders.removeValue(forKey: key) }) else { return false }
        holder.lease.markLost(.expired)
        released.signal()
        return holder.expiresAt > now
    }

    /// One acquisition attempt.
    private func attempt(_ key: String, ttl: Duration) -> LockLease? {
        let now = clock.now
        let (lease, expired) = state.withLock { state -> (LockLease?, [LockLease]) in
            if state.live(key, at: now) != nil { return (nil, []) }
            let fence = (state.fences[key] ?? 0) + 1
            state.fences[key] = fence
            let lease = LockLease(key: key, token: LockLease.randomToken(), fencingToken: fence, ttl: ttl)
            let previous = state.holders.updateValue(Holder(lease: lease, expiresAt: now.advanced(by: ttl)), forKey: key)
            return (lease, (previous.map { [$0.lease] } ?? []) + state.sweepIfLarge(at: now))
        }
        for lease in expired { lease.markLost(.expired) }
        return lease
    }
}

extension InMemoryLock where C == ContinuousClock {
    /// Creates a lock table on the system's continuous clock.
    public convenience init() { self.init(clock: ContinuousClock()) }
}

extension InMemoryLock.State {
    /// The holder of `key` if it has not expired.
    func live(_ key: String, at now: C.Instant) -> InMemoryLock.Holder? {
        guard let holder = holders[key], holder.expiresAt > now else { return nil }
        return holder
    }

    /// Drops expired holders (whose owners crashed or stalled) once the table has doubled
    /// since the last sweep; returns their leases.
    mutating func sweepIfLarge(at now: C.Instant) -> [LockLease] {
        guard holders.count >= sweepThreshold else { return [] }
        let expired = holders.filter { $0.value.expiresAt <= now }
        for key in expired.keys { holders.removeValue(forKey: key) }
        sweepThreshold = max(1_024, holders.count * 2)
        return expired.values.map(\.lease)
    }
}
