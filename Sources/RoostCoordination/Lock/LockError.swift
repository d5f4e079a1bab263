import RoostCore

/// Why a ``DistributedLock`` call failed before or while acquiring.
public struct LockError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The lock stayed held by someone else for the whole timeout.
        case timeout(Duration)
        /// The current task already holds this key through `withLock` and the reentrancy
        /// policy is ``ReentrancyPolicy/reject``.
        case reentrant
        /// The time to live was zero or negative.
        case invalidTTL(Duration)
        /// The timeout was negative.
        case invalidTimeout(Duration)
    }

    /// The lock's key.
    public let key: String
    /// What went wrong.
    public let reason: Reason

    /// Creates the error.
    public init(key: String, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    /// `coordination.lock.timeout`, `coordination.lock.reentrant`,
    /// `coordination.lock.invalid_ttl` or `coordination.lock.invalid_timeout`.
    public var code: ErrorCode {
        switch reason {
        case .timeout: "coordination.lock.timeout"
        case .reentrant: "coordination.lock.reentrant"
        case .invalidTTL: "coordination.lock.invalid_ttl"
        case .invalidTimeout: "coordination.lock.invalid_timeout"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .timeout(let timeout):
            "Lock '\(key)' stayed held by another owner for \(timeout); retry later, raise the timeout, or check that holders release it."
        case .reentrant:
            "Lock '\(key)' is already held by this task; locks are not reentrant by default. Restructure the code, or pass reentrancy: .reuse to run nested scopes under the outer lease."
        case .invalidTTL(let ttl):
            "Lock '\(key)' was given a time to live of \(ttl); pass a positive duration."
        case .invalidTimeout(let timeout):
            "Lock '\(key)' was given a timeout of \(timeout); pass zero (try once) or a positive duration."
        }
    }
}

/// Thrown when a held lock stops being held before its holder released it: its time to
/// live ran out, another owner took it, it was force-released, or renewing it failed.
///
/// Work protected by the lock must stop when this happens, because someone else may now
/// hold it. `withLock` cancels its body and throws this error; a lease's
/// ``LockLease/lostError`` and ``LockLease/waitUntilLost()`` report it too.
public struct LockLost: RoostError {
    /// How the lease was lost.
    public enum Reason: Sendable, Hashable {
        /// The lease is no longer the owner: it expired, was taken over, or was force-released.
        case expired
        /// Renewing the lease failed, so whether it is still held is unknown.
        case renewalFailed
    }

    /// The lock's key.
    public let key: String
    /// The fencing token of the lost lease.
    public let fencingToken: UInt64
    /// How the lease was lost.
    public let reason: Reason
    /// The error that made renewal fail, if any.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(key: String, fencingToken: UInt64, reason: Reason, underlying: (any Error)? = nil) {
        self.key = key
        self.fencingToken = fencingToken
        self.reason = reason
        self.underlying = underlying
    }

    /// `coordination.lock.lost`
    public var code: ErrorCode { "coordination.lock.lost" }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .expired:
            "Lock '\(key)' (fencing token \(fencingToken)) was lost before release: it expired or was taken over. Treat the protected work as not done, and raise the time to live if holders are slow."
        case .renewalFailed:
            "Lock '\(key)' (fencing token \(fencingToken)) could not be renewed, so another owner may hold it; treat the protected work as not done and check the lock backend."
        }
    }
}
