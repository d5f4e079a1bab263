import RoostCore

/// Why a ``Counter`` operation failed.
public struct CounterError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The new value would not fit in a 64-bit signed integer.
        case overflow
        /// The time to live was zero or negative.
        case invalidTTL(Duration)
    }

    /// The counter's key.
    public let key: String
    /// What went wrong.
    public let reason: Reason

    /// Creates the error.
    public init(key: String, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    /// `coordination.counter.overflow` or `coordination.counter.invalid_ttl`.
    public var code: ErrorCode {
        switch reason {
        case .overflow: "coordination.counter.overflow"
        case .invalidTTL: "coordination.counter.invalid_ttl"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .overflow:
            "Counter '\(key)' would overflow a 64-bit integer; reset it or use smaller steps."
        case .invalidTTL(let ttl):
            "Counter '\(key)' was given a time to live of \(ttl); pass a positive duration, or nil for no expiry."
        }
    }
}
