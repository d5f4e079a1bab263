import Synchronization

/// A thread-safe cache whose entries expire a time after they were written, measured on the
/// injected clock (the peers' `StackCache`).
///
/// An expired entry is never returned; it is dropped when read, and ``removeExpired()``
/// drops all of them. Writing a new key also sweeps expired entries once the cache has
/// doubled since the last sweep, so a cache of short-lived keys does not grow without
/// bound. Integer values can be counted with ``increment(_:by:ttl:)`` and
/// ``decrement(_:by:ttl:)``.
///
/// ```swift
/// let sessions = TTLCache<String, Session, ContinuousClock>(defaultTTL: .seconds(1800))
/// sessions.set(session, for: token)
/// let attempts = TTLCache<String, Int, ContinuousClock>(defaultTTL: .seconds(60))
/// if attempts.increment("login:\(user)") > 5 { throw TooManyAttempts() }
/// ```
public final class TTLCache<Key: Hashable & Sendable, Value: Sendable, C: Clock>: Sendable
where C.Duration == Duration {
    private struct Entry {
        var value: Value
        var expires: C.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var sweepAt = 64
    }

    /// How long an entry lives when no other time-to-live is given.
    public let defaultTTL: Duration
    private let clock: C
    private let state = Mutex(State())

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - defaultTTL: The time-to-live of entries written without one; greater than 0.
    ///   - clock: The clock that measures expiry.
    public init(defaultTTL: Duration, clock: C) {
        precondition(defaultTTL > .zero, "defaultTTL must be positive")
        self.defaultTTL = defaultTTL
        self.clock = clock
    }

    /// The number of entries, counting expired ones not yet dropped.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The value for `key`, or nil if absent or expired.
    public func value(for key: Key) -> Value? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.entries.removeValue(forKey: key)
                return nil
            }
            return entry.value
        }
    }

    /// The time left before the entry for `key` expires, or nil if absent or expired.
    public func timeToLive(of key: Key) -> Duration? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[key], entry.expires > now else { return nil }
            return now.duration(to: entry.expires)
        }
    }

    /// Stores `value` for `key`, living `ttl` (the default when nil) from now.
    public func set(_ value: Value, for key: Key, ttl: Duration? = nil) {
        let now = clock.now
        let expires = now.advanced(by: ttl ?? defaultTTL)
        state.withLock { state in
            state.entries[key] = Entry(value: value, expires: expires)
            sweepIfGrown(&state, now: now)
        }
    }

    /// Removes the entry for `key` and returns its value if it had not expired.
    @discardableResult
    public func removeValue(for key: Key) -> Value? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: key), entry.expires > now else { return nil }
            return entry.value
        }
    }

    /// Drops every expired entry; returns how many were dropped.
    @discardableResult
    public func removeExpired() -> Int {
        let now = clock.now
        return state.withLock { state in
            let before = state.entries.count
            state.entries = state.entries.filter { $0.value.expires > now }
            return before - state.entries.count
        }
    }

    /// Removes every entry.
    public func removeAll() { state.withLock { $0.entries = [:] } }

    /// Applies `update` to the live value for `key` (nil when absent or expired) under the
    /// cache's lock and stores the result, removing the entry when it is nil.
    ///
    /// A live entry keeps its expiry time; a new entry lives `ttl` (the default when nil).
    @discardableResult
    public func update(_ key: Key, ttl: Duration? = nil, _ update: (Value?) -> Value?) -> Value? {
        let now = clock.now
        return state.withLock { state in
            let live = state.entries[key].flatMap { $0.expires > now ? $0 : nil }
            guard let new = update(live?.value) else {
                state.entries.removeValue(forKey: key)
                return nil
            }
            let expires = live?.expires ?? now.advanced(by: ttl ?? defaultTTL)
            state.entries[key] = Entry(value: new, expires: expires)
            sweepIfGrown(&state, now: now)
            return new
        }
    }

    private func sweepIfGrown(_ state: inout State, now: C.Instant) {
        guard state.entries.count >= state.sweepAt else { return }
        state.entries = state.entries.filter { $0.value.expires > now }
        state.sweepAt = max(64, state.entries.count * 2)
    }
}

extension TTLCache where Value: BinaryInteger {
    /// Adds `amount` to the value for `key` and returns the new value. An absent or expired
    /// key counts from 0 and lives `ttl` (the default when nil); a live key keeps its expiry.
    @discardableResult
    public func increment(_ key: Key, by amount: Value = 1, ttl: Duration? = nil) -> Value {
        update(key, ttl: ttl) { ($0 ?? 0) + amount }!
    }

    /// Subtracts `amount` from the value for `key` and returns the new value; see
    /// ``increment(_:by:ttl:)``.
    @discardableResult
    public func decrement(_ key: Key, by amount: Value = 1, ttl: Duration? = nil) -> Value {
        update(key, ttl: ttl) { ($0 ?? 0) - amount }!
    }
}

extension TTLCache where C == ContinuousClock {
    /// Creates an empty cache whose entries expire on the system's continuous clock.
    public convenience init(defaultTTL: Duration) {
        self.init(defaultTTL: defaultTTL, clock: ContinuousClock())
    }
}
