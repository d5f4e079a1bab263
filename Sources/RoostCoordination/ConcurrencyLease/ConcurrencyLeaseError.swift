import RoostCore

/// Why a ``DistributedConcurrencyLimiter`` call failed.
public struct ConcurrencyLeaseError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// Every slot stayed taken for the whole timeout.
        case timeout(limit: Int, timeout: Duration)
        /// The limit was zero or negative.
        case invalidLimit(Int)
        /// The time to live was zero or negative.
        case invalidTTL(Duration)
        /// The timeout was negative.
        case invalidTimeout(Duration)
    }

    /// The limited key.
    public let key: String
    /// What went wrong.
    public let reason: Reason

    /// Creates the error.
    public init(key: String, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    /// `coordination.concurrency.timeout`, `coordination.concurrency.invalid_limit`,
    /// `coordination.concurrency.invalid_ttl` or `coordination.concurrency.invalid_timeout`.
    public var code: ErrorCode {
        switch reason {
        case .timeout: "coordination.concurrency.timeout"
        case .invalidLimit: "coordination.concurrency.invalid_limit"
        case .invalidTTL: "coordination.concurrency.invalid_ttl"
        case .invalidTimeout: "coordination.concurrency.invalid_timeout"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .timeout(let limit, let timeout):
            "All \(limit) slots of '\(key)' stayed taken for \(timeout); retry later, raise the limit or the timeout."
        case .invalidLimit(let limit):
            "Concurrency limit for '\(key)' was \(limit); pass at least 1."
        case .invalidTTL(let ttl):
            "Concurrency lease for '\(key)' was given a time to live of \(ttl); pass a positive duration."
        case .invalidTimeout(let timeout):
            "Concurrency lease for '\(key)' was given a timeout of \(timeout); pass zero (try once) or a positive duration."
        }
    }
}

/// Checks the arguments shared by concurrency-limiter operations; implementations call
/// it before talking to their backend. Pass nil for an argument the operation lacks.
///
/// - Throws: ``ConcurrencyLeaseError`` naming the first bad argument.
public func validateLeaseArguments(_ key: String, limit: Int?, ttl: Duration?, timeout: Duration?) throws {
    if let limit, limit < 1 { throw ConcurrencyLeaseError(key: key, reason: .invalidLimit(limit)) }
    if let ttl, ttl <= .zero { throw ConcurrencyLeaseError(key: key, reason: .invalidTTL(ttl)) }
    if let timeout, timeout < .zero { throw ConcurrencyLeaseError(key: key, reason: .invalidTimeout(timeout)) }
}
