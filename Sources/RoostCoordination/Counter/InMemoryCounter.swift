import Synchronization

/// A ``Counter`` held in this process's memory: the embedded default for a service that
/// runs on one machine.
///
/// Expiry is measured on the injected clock. Expired counters read as zero and are
/// removed as they are touched and by periodic sweeps, so memory stays bounded by the
/// live counters.
///
/// ```swift
/// let counters = InMemoryCounter()
/// try await counters.increment("jobs:done")
/// let done = try await counters.value("jobs:done") // 1
/// ```
public final class InMemoryCounter<C: Clock>: Counter where C.Duration == Duration {
    fileprivate struct Entry {
        var value: Int64
        var expiresAt: C.Instant?
    }

    fileprivate struct State {
        var entries: [String: Entry] = [:]
        var sweepThreshold = 1_024
    }

    private let clock: C
    private let state = Mutex(State())

    /// Creates an empty set of counters whose expiry follows `clock`.
    public init(clock: C) { self.clock = clock }

    /// The number of counters held, including expired ones not yet swept.
    public var storedCount: Int { state.withLock { $0.entries.count } }

    /// Adds `amount` to the counter and returns the new value; see ``Counter``.
    @discardableResult
    public func increment(_ key: String, by amount: Int64, ttl: Duration?) throws -> Int64 {
        if let ttl, ttl <= .zero { throw CounterError(key: key, reason: .invalidTTL(ttl)) }
        let now = clock.now
        return try state.withLock { state in
            var entry = state.live(key, at: now) ?? Entry(value: 0, expiresAt: ttl.map { now.advanced(by: $0) })
            let (sum, overflow) = entry.value.addingReportingOverflow(amount)
            if overflow { throw CounterError(key: key, reason: .overflow) }
            entry.value = sum
            state.entries[key] = entry
            state.sweepIfLarge(at: now)
            return sum
        }
    }

    /// The counter's value, or zero when absent or expired.
    public func value(_ key: String) -> Int64 {
        let now = clock.now
        return state.withLock { $0.live(key, at: now)?.value ?? 0 }
    }

    /// The time left before the counter expires; nil when it has no expiry or does not exist.
    public func timeToLive(_ key: String) -> Duration? {
        let now = clock.now
        return state.withLock { state in
            state.live(key, at: now)?.expiresAt.map { now.duration(to: $0) }
        }
    }

    /// Removes the counter.
    public func reset(_ key: String) {
        _ = state.withLock { $0.entries.removeValue(forKey: key) }
    }
}

extension InMemoryCounter where C == ContinuousClock {
    /// Creates an empty set of counters whose expiry follows the system's continuous clock.
    public convenience init() { self.init(clock: ContinuousClock()) }
}

extension InMemoryCounter.State {
    /// The entry for `key` if it has not expired; removes it if it has.
    mutating func live(_ key: String, at now: C.Instant) -> InMemoryCounter.Entry? {
        guard let entry = entries[key] else { return nil }
        if let expiresAt = entry.expiresAt, expiresAt <= now {
            entries.removeValue(forKey: key)
            return nil
        }
        return entry
    }

    /// Drops expired entries once the table has doubled since the last sweep.
    mutating func sweepIfLarge(at now: C.Instant) {
        guard entries.count >= sweepThreshold else { return }
        entries = entries.filter { entry in entry.value.expiresAt.map { $0 > now } ?? true }
        sweepThreshold = max(1_024, entries.count * 2)
    }
}
