/// The answer of a ``RateLimiter`` to one request.
public struct RateLimitResult: Sendable, Hashable {
    /// Whether the request may proceed. A denied request consumed nothing.
    public var allowed: Bool
    /// How many more units could be consumed right now.
    public var remaining: Int
    /// How long until a request of the same cost could be allowed; `.zero` when allowed.
    public var retryAfter: Duration

    /// Creates a result.
    public init(allowed: Bool, remaining: Int, retryAfter: Duration) {
        self.allowed = allowed
        self.remaining = remaining
        self.retryAfter = retryAfter
    }
}

/// Limits how often something may happen per key: requests per client, logins per user,
/// messages per channel.
///
/// Each call asks to consume `cost` units for `key` and answers whether that is allowed,
/// how many units remain, and, when denied, how long to wait. Denied requests consume
/// nothing.
///
/// ```swift
/// let limiter: any RateLimiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 100, window: .seconds(60)))
/// let result = try await limiter.acquire("client:203.0.113.9")
/// guard result.allowed else { throw TooManyRequests(retryAfter: result.retryAfter) }
/// ```
///
/// ``InMemoryRateLimiter`` is the embedded implementation; distributed backends implement
/// the same protocol.
public protocol RateLimiter: Sendable {
    /// Tries to consume `cost` units for `key`.
    ///
    /// - Throws: ``RateLimiterError`` when `cost` is not positive or exceeds what the
    ///   limit could ever allow.
    func acquire(_ key: String, cost: Int) async throws -> RateLimitResult
}

extension RateLimiter {
    /// Tries to consume one unit for `key`.
    public func acquire(_ key: String) async throws -> RateLimitResult {
        try await acquire(key, cost: 1)
    }
}

/// How a rate limiter counts.
public enum RateLimitStrategy: Sendable, Hashable {
    /// At most `limit` units per window of length `window`. A key's window starts at its
    /// first request and the count resets when the window ends.
    case fixedWindow(limit: Int, window: Duration)
    /// A bucket of `capacity` tokens, refilled continuously at `refill` tokens per
    /// `interval`. Allows bursts up to `capacity` and a steady rate of `refill / interval`.
    case tokenBucket(capacity: Int, refill: Int, interval: Duration)
    /// At most `limit` units in any span of length `window` ending now: every unit counts
    /// until exactly `window` after it was consumed, so there is no burst of twice the
    /// limit across a window boundary, as a fixed window allows.
    case slidingWindow(limit: Int, window: Duration)
    /// At most about `limit` units in any span of length `window` ending now, estimated
    /// from two counters instead of a log: the sliding window counter.
    ///
    /// A key's time is cut into consecutive fixed windows of length `window`, the first
    /// starting at the key's first request (and again at the first request after two idle
    /// windows). A request at a point `elapsed` into the current window sees
    ///
    ///     used = floor(previous × (window − elapsed) / window) + current
    ///
    /// where `current` and `previous` are the units consumed in the current and the
    /// previous fixed window: the previous window counts in proportion to how much of it
    /// the sliding window still overlaps, as if its units had been spread evenly across
    /// it. The request is allowed when `used + cost <= limit`.
    ///
    /// What it guarantees, compared with the exact ``slidingWindow(limit:window:)``:
    /// - Never more than `limit` units in any one fixed window, and never more than
    ///   `2 × limit` in any span of length `window` (the exact log guarantees `limit`).
    /// - When the previous window's units were in fact spread evenly, the estimate is the
    ///   exact sliding count (rounded down); when they bunched at its end, it under-counts them and lets
    ///   more through (up to the bound above); when they bunched at its start, it
    ///   over-counts and denies early.
    /// - State per key is two counts and a start, whatever the rate, and a check costs
    ///   about what a ``fixedWindow(limit:window:)`` check does; the exact log keeps one
    ///   entry per request for a window. Prefer this for high limits and rates, the exact
    ///   log where `limit` must hold for every span.
    ///
    /// `limit` may be at most ``approximateSlidingWindowMaximumLimit`` (the Redis
    /// implementation packs both counts into one integer).
    ///
    /// ```swift
    /// let limiter = InMemoryRateLimiter(strategy: .approximateSlidingWindow(limit: 600, window: .seconds(60)))
    /// ```
    case approximateSlidingWindow(limit: Int, window: Duration)

    /// The largest `limit` of an ``approximateSlidingWindow(limit:window:)``: 2^26 − 1
    /// (67,108,863), so that `previous × (limit + 1) + current` stays exact in a double.
    public static let approximateSlidingWindowMaximumLimit = (1 << 26) - 1

    /// The largest cost a single request may ever have.
    public var maximumCost: Int {
        switch self {
        case .fixedWindow(let limit, _), .slidingWindow(let limit, _), .approximateSlidingWindow(let limit, _): limit
        case .tokenBucket(let capacity, _, _): capacity
        }
    }

    /// Stops with a clear message when the strategy's numbers are not positive.
    public func validate() {
        switch self {
        case .fixedWindow(let limit, let window):
            precondition(limit > 0 && window > .zero, "fixed window needs a positive limit and window")
        case .slidingWindow(let limit, let window):
            precondition(limit > 0 && window > .zero, "sliding window needs a positive limit and window")
        case .approximateSlidingWindow(let limit, let window):
            precondition(
                limit > 0 && limit <= Self.approximateSlidingWindowMaximumLimit && window > .zero,
                "approximate sliding window needs a positive window and a limit from 1 to 67,108,863")
        case .tokenBucket(let capacity, let refill, let interval):
            precondition(capacity > 0 && refill > 0 && interval > .zero, "token bucket needs positive capacity and refill rate")
        }
    }
}
