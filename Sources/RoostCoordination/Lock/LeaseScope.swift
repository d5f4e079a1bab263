/// Runs `body` while `lease` is held: renews the lease every `ttl / 3` on `clock`,
/// cancels `body` the moment the lease is lost, and releases the lease afterwards.
///
/// - Throws: ``LockLost`` when the lease was lost before release (even if `body`
///   finished), the release's error, or `body`'s error.
func withLeaseScope<C: Clock, Value: Sendable>(
    _ lease: LockLease, clock: C,
    extend: @escaping @Sendable (LockLease, Duration) async throws -> Bool,
    release: (LockLease) async throws -> Bool,
    _ body: sending @escaping (LockLease) async throws -> Value
) async throws -> Value where C.Duration == Duration {
    let outcome: Result<Value, any Error>
    do {
        outcome = .success(try await runGuarded(lease, clock: clock, extend: extend, body))
    } catch {
        outcome = .failure(error)
    }
    let released: Bool
    do {
        released = try await release(lease)
    } catch {
        // The lease expires by itself; the caller still learns that releasing failed.
        if let lost = lease.lostError { throw lost }
        throw error
    }
    if let lost = lease.lostError { throw lost }
    if !released { throw LockLost(key: lease.key, fencingToken: lease.fencingToken, reason: .expired) }
    return try outcome.get()
}

/// What a task inside a lease scope reports.
private enum ScopeEvent<Value: Sendable>: Sendable {
    case finished(Value)
    case watcherStopped
}

/// Runs `body` next to the renewal loop and a watcher that turns a loss into a thrown
/// ``LockLost``, which cancels `body`.
private func runGuarded<C: Clock, Value: Sendable>(
    _ lease: LockLease, clock: C,
    extend: @escaping @Sendable (LockLease, Duration) async throws -> Bool,
    _ body: sending @escaping (LockLease) async throws -> Value
) async throws -> Value where C.Duration == Duration {
    // `body` arrived as `sending`, so nothing else can reach it, and only the one child
    // task below calls it: handing it to that task cannot race. The compiler cannot see
    // through the task group's closure, hence the annotation.
    nonisolated(unsafe) let body = body
    return try await withThrowingTaskGroup(of: ScopeEvent<Value>.self) { group in
        group.addTask { .finished(try await body(lease)) }
        group.addTask {
            await renewUntilCancelled(lease, clock: clock, extend: extend)
            return .watcherStopped
        }
        group.addTask {
            if let lost = try await lease.waitUntilLost() { throw lost }
            return .watcherStopped
        }
        while let event = try await group.next() {
            if case .finished(let value) = event {
                group.cancelAll()
                return value
            }
        }
        preconditionFailure("the body's task always reports")
    }
}

/// Extends `lease` every `ttl / 3` until cancelled; marks it lost and returns when an
/// extension fails or finds the lease gone.
private func renewUntilCancelled<C: Clock>(
    _ lease: LockLease, clock: C, extend: @Sendable (LockLease, Duration) async throws -> Bool
) async where C.Duration == Duration {
    let interval = lease.ttl / 3
    var next = clock.now
    while true {
        next = next.advanced(by: interval)
        do {
            try await clock.sleep(until: next, tolerance: nil)
        } catch {
            return  // Cancelled: the scope is over.
        }
        do {
            guard try await extend(lease, lease.ttl) else {
                lease.markLost(.expired)
                return
            }
            lease.recordRenewal()
        } catch is CancellationError {
            return
        } catch {
            lease.markLost(.renewalFailed, underlying: error)
            return
        }
    }
}
