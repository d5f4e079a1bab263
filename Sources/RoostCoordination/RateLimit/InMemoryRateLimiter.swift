import Synchronization

/// A ``RateLimiter`` held in this process's memory, counting per key with a fixed window,
/// a sliding window (exact or approximate) or a token bucket: the embedded default for a service that runs on
/// one machine.
///
/// Time is read from the injected clock, so tests move it by hand. Keys whose window has
/// ended or whose bucket is full again are swept as the table grows.
///
/// ```swift
/// let limiter = InMemoryRateLimiter(strategy: .tokenBucket(capacity: 20, refill: 5, interval: .seconds(1)))
/// let result = try await limiter.acquire("user:42")
/// ```
public final class InMemoryRateLimiter<C: Clock>: RateLimiter where C.Duration == Duration {
    fileprivate struct Window {
        var start: C.Instant
        var count: Int
    }

    /// The two fixed windows an approximate sliding window estimates from.
    fileprivate struct WindowPair {
        var start: C.Instant
        var previous: Int
        var current: Int
    }

    fileprivate struct Bucket {
        var tokens: Double
        var updated: C.Instant
    }

    /// The units consumed in the last window, oldest first.
    fileprivate struct SlidingLog {
        var entries: [(at: C.Instant, cost: Int)] = []
        var head = 0
        var total = 0

        /// Forgets the entries consumed at or before `cutoff`.
        mutating func drop(through cutoff: C.Instant) {
            while head < entries.count, entries[head].at <= cutoff {
                total -= entries[head].cost
                head += 1
            }
            if head > 32, head * 2 > entries.count {
                entries.removeFirst(head)
                head = 0
            }
        }
    }

    fileprivate struct State {
        var windows: [String: Window] = [:]
        var buckets: [String: Bucket] = [:]
        var logs: [String: SlidingLog] = [:]
        var pairs: [String: WindowPair] = [:]
        var sweepThreshold = 1_024
    }

    /// How this limiter counts.
    public let strategy: RateLimitStrategy
    private let clock: C
    private let state = Mutex(State())

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - strategy: The counting strategy; limits, capacities and durations must be positive.
    ///   - clock: The clock that measures windows and refills.
    public init(strategy: RateLimitStrategy, clock: C) {
        strategy.validate()
        self.strategy = strategy
        self.clock = clock
    }

    /// The number of keys currently tracked, including ones not yet swept.
    public var trackedKeyCount: Int { state.withLock { $0.keyCount } }

    /// Tries to consume `cost` units for `key`; see ``RateLimiter/acquire(_:cost:)``.
    public func acquire(_ key: String, cost: Int) throws -> RateLimitResult {
        guard cost > 0 else { throw RateLimiterError(key: key, reason: .nonPositiveCost(cost)) }
        guard cost <= strategy.maximumCost else {
            throw RateLimiterError(key: key, reason: .costExceedsLimit(cost: cost, limit: strategy.maximumCost))
        }
        let now = clock.now
        return state.withLock { state in
            defer { state.sweepIfLarge(strategy: strategy, at: now) }
            switch strategy {
            case .fixedWindow(let limit, let length):
                return state.fixedWindow(key, cost: cost, limit: limit, length: length, at: now)
            case .tokenBucket(let capacity, let refill, let interval):
                let perSecond = Double(refill) / interval.secondsValue
                return state.tokenBucket(key, cost: cost, capacity: capacity, perSecond: perSecond, at: now)
            case .slidingWindow(let limit, let length):
                return state.slidingWindow(key, cost: cost, limit: limit, length: length, at: now)
            case .approximateSlidingWindow(let limit, let length):
                return state.approximateSlidingWindow(key, cost: cost, limit: limit, length: length, at: now)
            }
        }
    }

    /// Forgets everything counted for `key`.
    public func reset(_ key: String) {
        state.withLock { state in
            state.windows.removeValue(forKey: key)
            state.buckets.removeValue(forKey: key)
            state.logs.removeValue(forKey: key)
            state.pairs.removeValue(forKey: key)
        }
    }
}

extension InMemoryRateLimiter where C == ContinuousClock {
    /// Creates a limiter on the system's continuous clock.
    public convenience init(strategy: RateLimitStrategy) {
        self.init(strategy: strategy, clock: ContinuousClock())
    }
}

extension InMemoryRateLimiter.State {
    var keyCount: Int { windows.count + buckets.count + logs.count + pairs.count }

    mutating func fixedWindow(_ key: String, cost: Int, limit: Int, length: Duration, at now: C.Instant) -> RateLimitResult {
        var window = windows[key] ?? InMemoryRateLimiter.Window(start: now, count: 0)
        if window.start.advanced(by: length) <= now { window = .init(start: now, count: 0) }
        if window.count + cost <= limit {
            window.count += cost
            windows[key] = window
            return RateLimitResult(allowed: true, remaining: limit - window.count, retryAfter: .zero)
        }
        windows[key] = window
        let retryAfter = now.duration(to: window.start.advanced(by: length))
        return RateLimitResult(allowed: false, remaining: limit - window.count, retryAfter: retryAfter)
    }

    mutating func tokenBucket(_ key: String, cost: Int, capacity: Int, perSecond: Double, at now: C.Instant) -> RateLimitResult {
        var bucket = buckets[key] ?? InMemoryRateLimiter.Bucket(tokens: Double(capacity), updated: now)
        let elapsed = max(0, bucket.updated.duration(to: now).secondsValue)
        bucket.tokens = min(Double(capacity), bucket.tokens + elapsed * perSecond)
        bucket.updated = now
        let allowed = bucket.tokens >= Double(cost)
        if allowed { bucket.tokens -= Double(cost) }
        buckets[key] = bucket
        let retryAfter: Duration = allowed ? .zero : .seconds((Double(cost) - bucket.tokens) / perSecond)
        return RateLimitResult(allowed: allowed, remaining: Int(bucket.tokens.rounded(.down)), retryAfter: retryAfter)
    }

    mutating func slidingWindow(_ key: String, cost: Int, limit: Int, length: Duration, at now: C.Instant) -> RateLimitResult {
        var log = logs.removeValue(forKey: key) ?? InMemoryRateLimiter.SlidingLog()
        defer { logs[key] = log }
        log.drop(through: now.advanced(by: .zero - length))
        if log.total + cost <= limit {
            log.entries.append((now, cost))
            log.total += cost
            return RateLimitResult(allowed: true, remaining: limit - log.total, retryAfter: .zero)
        }
        // The earliest moment enough old units have aged out for this request to fit.
        var freed = 0
        var retryAfter = length
        for entry in log.entries[log.head...] {
            freed += entry.cost
            if log.total - freed + cost <= limit {
                retryAfter = now.duration(to: entry.at.advanced(by: length))
                break
            }
        }
        return RateLimitResult(allowed: false, remaining: limit - log.total, retryAfter: retryAfter)
    }

    /// See ``RateLimitStrategy/approximateSlidingWindow(limit:window:)``.
    mutating func approximateSlidingWindow(
        _ key: String, cost: Int, limit: Int, length: Duration, at now: C.Instant
    ) -> RateLimitResult {
        var pair = pairs[key] ?? InMemoryRateLimiter.WindowPair(start: now, previous: 0, current: 0)
        let elapsed = pair.start.duration(to: now)
        if elapsed >= length * 2 {
            pair = .init(start: now, previous: 0, current: 0)
        } else if elapsed >= length {
            pair = .init(start: pair.start.advanced(by: length), previous: pair.current, current: 0)
        }
        let estimate = SlidingWindowEstimate(
            limit: limit, cost: cost, previous: pair.previous, current: pair.current,
            left: length - pair.start.duration(to: now), window: length)
        if estimate.allows {
            pair.current += cost
            pairs[key] = pair
            return RateLimitResult(allowed: true, remaining: limit - estimate.used - cost, retryAfter: .zero)
        }
        pairs[key] = pair
        return RateLimitResult(allowed: false, remaining: max(0, limit - estimate.used), retryAfter: estimate.retryAfter)
    }

    /// Drops keys that hold no information any more (ended windows, refilled buckets)
    /// once the table has doubled since the last sweep.
    mutating func sweepIfLarge(strategy: RateLimitStrategy, at now: C.Instant) {
        guard keyCount >= sweepThreshold else { return }
        switch strategy {
        case .fixedWindow(_, let length):
            windows = windows.filter { $0.value.start.advanced(by: length) > now }
        case .slidingWindow(_, let length):
            logs = logs.filter { entry in entry.value.entries.last.map { $0.at.advanced(by: length) > now } ?? false }
        case .approximateSlidingWindow(_, let length):
            pairs = pairs.filter { $0.value.start.advanced(by: length * 2) > now }
        case .tokenBucket(let capacity, let refill, let interval):
            let perSecond = Double(refill) / interval.secondsValue
            buckets = buckets.filter { entry in
                let elapsed = entry.value.updated.duration(to: now).secondsValue
                return entry.value.tokens + elapsed * perSecond < Double(capacity)
            }
        }
        sweepThreshold = max(1_024, keyCount * 2)
    }
}

extension Duration {
    /// The duration as floating-point seconds.
    var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
