/// What a nested `withLock` does when the current task already holds the same key of
/// the same lock through an enclosing `withLock`.
public enum ReentrancyPolicy: Sendable, Hashable {
    /// Throw ``LockError/Reason/reentrant`` at once (the default): re-acquiring would
    /// otherwise wait for itself until the timeout.
    case reject
    /// Run the nested body under the outer lease, without acquiring, renewing or
    /// releasing anything; the outer scope keeps ownership.
    case reuse
}

/// The keys the current task holds through `withLock`, for reentrancy checks.
enum HeldLocks {
    struct Entry: Sendable {
        var lock: ObjectIdentifier
        var lease: LockLease
    }

    @TaskLocal static var current: [Entry] = []
}

extension DistributedLock {
    /// Acquires `key`, runs `body` while renewing the lease every `ttl / 3`, and releases
    /// the lease when `body` returns or throws.
    ///
    /// If the lease is lost while `body` runs (renewal finds it expired or taken over,
    /// renewal fails, or the lock was force-released) `body` is cancelled at once and
    /// this call throws ``LockLost``, even if `body` finished in the meantime: its work
    /// may have overlapped with another holder.
    ///
    /// ```swift
    /// let total = try await lock.withLock("ledger", ttl: .seconds(5), timeout: .seconds(2)) { lease in
    ///     try await ledger.settle(fencingToken: lease.fencingToken)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - key: The key to lock.
    ///   - ttl: How long the lock outlives a holder that stops renewing (crashes).
    ///   - timeout: How long to wait for the key; zero tries once.
    ///   - reentrancy: What happens when this task already holds `key` through an
    ///     enclosing `withLock` on this lock; see ``ReentrancyPolicy``.
    ///   - body: The protected work; it receives the lease.
    /// - Throws: ``LockError`` when the key could not be acquired, ``LockLost`` when the
    ///   lease was lost, or `body`'s error.
    public func withLock<Value: Sendable>(
        _ key: String, ttl: Duration, timeout: Duration, reentrancy: ReentrancyPolicy = .reject,
        _ body: sending @escaping (LockLease) async throws -> Value
    ) async throws -> Value {
        try validateLockArguments(key, ttl: ttl, timeout: timeout)
        let identity = ObjectIdentifier(self)
        let held = HeldLocks.current
        if let outer = held.first(where: { $0.lock == identity && $0.lease.key == key }) {
            switch reentrancy {
            case .reject: throw LockError(key: key, reason: .reentrant)
            case .reuse: return try await body(outer.lease)
            }
        }
        let lease = try await acquire(key, ttl: ttl, timeout: timeout)
        // `body` arrived as `sending` and is used once, below; see `withLeaseScope`.
        nonisolated(unsafe) let body = body
        return try await HeldLocks.$current.withValue(held + [.init(lock: identity, lease: lease)]) {
            try await withLeaseScope(
                lease, clock: clock, extend: { try await self.extend($0, ttl: $1) }, release: { try await self.release($0) },
                body)
        }
    }
}
