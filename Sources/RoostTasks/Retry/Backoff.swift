/// How long to wait between attempts of a retried operation: exponential growth from a
/// base delay, capped, with optional jitter.
///
/// The delay before retry `n` (1-based) is `min(cap, base × multiplier^(n-1))`, then
/// jittered:
/// - ``Jitter-swift.enum/none``: the delay as computed.
/// - ``Jitter-swift.enum/full``: uniformly random in `0 ..< delay`.
/// - ``Jitter-swift.enum/equal``: half the delay plus a random amount up to the other half.
///
/// Jitter spreads retries of many clients so that they do not hit a recovering server at
/// the same instant. The random source is passed in, so tests are deterministic.
///
/// ```swift
/// let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10), jitter: .full)
/// var random = SystemRandomNumberGenerator()
/// let wait = backoff.delay(beforeRetry: 3, using: &random) // somewhere in 0 ..< 400 ms
/// ```
public struct Backoff: Sendable, Hashable {
    /// How randomness is applied to the computed delay.
    public enum Jitter: Sendable, Hashable {
        /// No randomness: the exact exponential delay.
        case none
        /// A uniformly random delay between zero and the computed delay.
        case full
        /// Half the computed delay plus a uniformly random part of the other half.
        case equal
    }

    /// The delay before the first retry, before jitter.
    public var base: Duration
    /// The factor applied to the delay after each retry; at least 1.
    public var multiplier: Double
    /// The longest delay ever returned.
    public var cap: Duration
    /// How randomness is applied.
    public var jitter: Jitter

    /// Creates a backoff policy.
    ///
    /// - Parameters:
    ///   - base: The delay before the first retry. Must not be negative.
    ///   - multiplier: Growth factor per retry, at least 1 (default 2).
    ///   - cap: The longest delay; must be at least `base`.
    ///   - jitter: The jitter strategy (default ``Jitter-swift.enum/full``).
    public init(base: Duration, multiplier: Double = 2, cap: Duration, jitter: Jitter = .full) {
        precondition(base >= .zero, "Backoff base must not be negative")
        precondition(multiplier >= 1, "Backoff multiplier must be at least 1")
        precondition(cap >= base, "Backoff cap must be at least the base delay")
        self.base = base
        self.multiplier = multiplier
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 for the first retry), capped but not
    /// jittered.
    public func jitterFreeDelay(beforeRetry retry: Int) -> Duration {
        precondition(retry >= 1, "retry numbers start at 1")
        let baseSeconds = base.seconds
        let capSeconds = cap.seconds
        let grown = baseSeconds * pow(multiplier, retry - 1)
        return .seconds(min(grown, capSeconds))
    }

    /// The delay before retry number `retry` (1 for the first retry), with jitter drawn
    /// from `random`.
    public func delay(beforeRetry retry: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let delay = jitterFreeDelay(beforeRetry: retry).seconds
        switch jitter {
        case .none:
            return .seconds(delay)
        case .full:
            return .seconds(delay * random.unitInterval())
        case .equal:
            let half = delay / 2
            return .seconds(half + half * random.unitInterval())
        }
    }
}

extension Duration {
    /// The duration as a floating-point number of seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

extension RandomNumberGenerator {
    /// A number in `0 ..< 1` built from the top 53 bits of the next random value, so the
    /// mapping from generator output to fraction is exact and documented.
    mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

/// `base` raised to a non-negative integer power, by repeated squaring; saturates at
/// infinity instead of trapping.
private func pow(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    var factor = base
    var remaining = exponent
    while remaining > 0 {
        if remaining & 1 == 1 { result *= factor }
        factor *= factor
        remaining >>= 1
    }
    return result
}
