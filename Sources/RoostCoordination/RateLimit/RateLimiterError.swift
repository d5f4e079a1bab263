import RoostCore

/// Why a rate limiter refused a request outright (as opposed to denying it for now).
public struct RateLimiterError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The cost was zero or negative.
        case nonPositiveCost(Int)
        /// The cost is larger than the limit or bucket capacity, so it could never be allowed.
        case costExceedsLimit(cost: Int, limit: Int)
    }

    /// The key of the request.
    public let key: String
    /// What went wrong.
    public let reason: Reason

    /// Creates the error.
    public init(key: String, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    /// `coordination.rate_limit.invalid_cost` or `coordination.rate_limit.cost_exceeds_limit`.
    public var code: ErrorCode {
        switch reason {
        case .nonPositiveCost: "coordination.rate_limit.invalid_cost"
        case .costExceedsLimit: "coordination.rate_limit.cost_exceeds_limit"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .nonPositiveCost(let cost):
            "Rate limit request for '\(key)' had cost \(cost); pass a cost of at least 1."
        case .costExceedsLimit(let cost, let limit):
            "Rate limit request for '\(key)' costs \(cost) but the limit is \(limit), so it could never pass; split the request or raise the limit."
        }
    }
}
