import RoostTasks
import Synchronization

/// A ``DistributedConcurrencyLimiter`` in this process's memory: the embedded default
/// for a service that runs on one machine.
///
/// A released slot wakes the waiters of every key at once; expired slots are noticed on
/// the jittered retry. A slot taken over after its lease expired marks that lease lost.
///
/// ```swift
/// let limiter = InMemoryConcurrencyLimiter()
/// if let lease = try limiter.tryAcquire("thumbnails", limit: 4, ttl: .seconds(60)) {
///     try await render()
///     limiter.release(lease)
/// }
/// ```
public final class InMemoryConcurrencyLimiter<C: Clock>: DistributedConcurrencyLimiter where C.Duration == Duration {
    fileprivate struct Slot {
        var lease: LockLease
        var expiresAt: C.Instant
    }

    fileprivate struct Key {
        var slots: [String: Slot] = [:]
        var sequence: UInt64 = 0
    }

    /// The clock that TTLs, timeouts and renewals are measured on.
    public let clock: C
    /// The delays between attempts while all slots are taken.
    public let retryBackoff: Backoff
    private let state = Mutex([String: Key]())
    private let released = ReleaseSignal()

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - clock: The clock that measures TTLs, timeouts and renewal intervals.
    ///   - retryBackoff: The jittered delays between attempts while all slots are taken.
    public init(clock: C, retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)) {
        self.clock = clock
        self.retryBackoff = retryBackoff
    }

    /// Takes a slot if fewer than `limit` are live; expired slots are dropped and their
    /// leases marked lost.
    public func tryAcquire(_ key: String, limit: Int, ttl: Duration) throws -> LockLease? {
        try validateLeaseArguments(key, limit: limit, ttl: ttl, timeout: nil)
        return attempt(key, limit: limit, ttl: ttl)
    }

    /// Takes a slot, waking when any slot is released.
    public func acquire(_ key: String, limit: Int, ttl: Duration, timeout: Duration) async throws -> LockLease {
        try validateLeaseArguments(key, limit: limit, ttl: ttl, timeout: timeout)
        return try await released.poll(
            clock: clock, backoff: retryBackoff, timeout: timeout,
            timeoutError: { ConcurrencyLeaseError(key: key, reason: .timeout(limit: limit, timeout: timeout)) }
        ) { attempt(key, limit: limit, ttl: ttl) }
    }

    /// Frees the lease's slot if it still holds it.
    @discardableResult
    public func release(_ lease: LockLease) -> Bool {
        let now = clock.now
        let slot = state.withLock { $0[lease.key]?.slots.removeValue(forKey: lease.token) }
        lease.markReleased()
        guard let slot else { return false }
        released.signal()
        return slot.expiresAt > now
    }

    /// Extends the lease's slot by `ttl` from now if it still holds it.
    public func extend(_ lease: LockLease, ttl: Duration) throws -> Bool {
        try validateLeaseArguments(lease.key, limit: nil, ttl: ttl, timeout: nil)
        let now = clock.now
        let held = state.withLock { keys -> Bool in
            guard let slot = keys[lease.key]?.slots[lease.token], slot.expiresAt > now else { return false }
            keys[lease.key]!.slots[lease.token]!.expiresAt = now.advanced(by: ttl)
            return true
        }
        if !held { lease.markLost(.expired) }
        return held
    }

    /// The number of live slots of `key`.
    public func holderCount(_ key: String) -> Int {
        let now = clock.now
        return state.withLock { keys in keys[key]?.slots.values.count { $0.expiresAt > now } ?? 0 }
    }

    private func attempt(_ key: String, limit: Int, ttl: Duration) -> LockLease? {
        let now = clock.now
        let (lease, expired) = state.withLock { keys -> (LockLease?, [LockLease]) in
            var entry = keys[key] ?? Key()
            let expired = entry.slots.values.filter { $0.expiresAt <= now }.map(\.lease)
            for lease in expired { entry.slots.removeValue(forKey: lease.token) }
            var lease: LockLease?
            if entry.slots.count < limit {
                entry.sequence += 1
                let acquired = LockLease(key: key, token: LockLease.randomToken(), fencingToken: entry.sequence, ttl: ttl)
                entry.slots[acquired.token] = Slot(lease: acquired, expiresAt: now.advanced(by: ttl))
                lease = acquired
            }
            keys[key] = entry
            return (lease, expired)
        }
        for lease in expired { lease.markLost(.expired) }
        return lease
    }
}

extension InMemoryConcurrencyLimiter where C == ContinuousClock {
    /// Creates a limiter on the system's continuous clock.
    public convenience init() { self.init(clock: ContinuousClock()) }
}
