import Foundation
import Synchronization

/// A ``Cache`` in this process's memory, bounded by entry count with least-recently-used
/// eviction: the embedded default for a service that runs on one machine.
///
/// Values are stored as JSON like a distributed cache would store them, so a type that
/// works here works there. Expiry follows the injected clock; expired entries are
/// dropped as they are read and when the cache is full. Concurrent
/// ``getOrCompute(_:ttl:waitTimeout:compute:)`` calls for a missing key run the
/// computation once, in the first caller's task.
///
/// ```swift
/// let cache = InMemoryCache(maxEntries: 1_000)
/// try await cache.set("greeting", to: "hello", ttl: .seconds(60))
/// let greeting: String? = try await cache.get("greeting")
/// ```
public final class InMemoryCache<C: Clock>: Cache where C.Duration == Duration {
    struct Entry {
        var data: Data
        var expiresAt: C.Instant?
    }

    /// What a waiter of a computation learns.
    enum Outcome: Sendable {
        case value(Data)
        case failed(CacheError)
        /// The computing caller went away without a result: try again.
        case retry
        case timedOut
    }

    struct Flight {
        var waiters: [UInt64: CheckedContinuation<Outcome, Never>] = [:]
    }

    struct State {
        var entries = LRUTable<Entry>()
        var flights: [String: Flight] = [:]
        var nextWaiter: UInt64 = 0
        var evictions = 0
        var evictionsSinceSweep = 0
    }

    /// The most entries held; the least recently used entry goes first.
    public let maxEntries: Int
    private let clock: C
    private let state = Mutex(State())

    /// Creates a cache.
    ///
    /// - Parameters:
    ///   - maxEntries: The most entries held; at least 1.
    ///   - clock: The clock that expiry and wait timeouts follow.
    public init(maxEntries: Int = 10_000, clock: C) {
        precondition(maxEntries >= 1, "maxEntries must be at least 1")
        self.maxEntries = maxEntries
        self.clock = clock
    }

    /// The number of entries held, including expired ones not yet dropped.
    public var count: Int { state.withLock { $0.entries.count } }

    /// How many live entries were evicted to make room.
    public var evictionCount: Int { state.withLock { $0.evictions } }

    /// The value at `key`, marking it recently used.
    public func get<Value: Codable & Sendable>(_ key: String, as type: Value.Type) throws -> Value? {
        guard let data = lookup(key) else { return nil }
        return try CacheCoding.decode(data, as: type, key: key)
    }

    /// Stores `value` at `key`, evicting the least recently used entry when full.
    public func set<Value: Codable & Sendable>(_ key: String, to value: Value, ttl: Duration?) throws {
        if let ttl, ttl <= .zero { throw CacheError(key: key, reason: .invalidTTL(ttl)) }
        store(key, try CacheCoding.encode(value, key: key), ttl: ttl)
    }

    /// Removes the entry at `key`.
    @discardableResult
    public func delete(_ key: String) -> Bool {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries.remove(key) else { return false }
            return entry.expiresAt.map { $0 > now } ?? true
        }
    }

    /// The value at `key`, computed once by the first caller when missing.
    public func getOrCompute<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, waitTimeout: Duration, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let ttl, ttl <= .zero { throw CacheError(key: key, reason: .invalidTTL(ttl)) }
        guard waitTimeout >= .zero else { throw CacheError(key: key, reason: .invalidTimeout(waitTimeout)) }
        while true {
            if let value = try get(key, as: Value.self) { return value }
            let joined = state.withLock { state -> Bool in
                if state.flights[key] != nil { return true }
                state.flights[key] = Flight()
                return false
            }
            guard joined else { return try await computeAndShare(key, ttl: ttl, compute: compute) }
            switch try await wait(for: key, timeout: waitTimeout) {
            case .value(let data): return try CacheCoding.decode(data, as: Value.self, key: key)
            case .failed(let error): throw error
            case .timedOut: throw CacheError(key: key, reason: .waitTimeout(waitTimeout))
            case .retry: continue
            }
        }
    }

    /// Runs the computation as the flight's owner and hands its outcome to every waiter.
    private func computeAndShare<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, compute: @Sendable () async throws -> Value
    ) async throws -> Value {
        let outcome: Outcome
        let result: Result<Value, any Error>
        do {
            let value = try await compute()
            let data = try CacheCoding.encode(value, key: key)
            store(key, data, ttl: ttl)
            (outcome, result) = (.value(data), .success(value))
        } catch is CancellationError {
            (outcome, result) = (.retry, .failure(CancellationError()))
        } catch let error as CacheError where error.reason == .encodingFailed {
            (outcome, result) = (.failed(error), .failure(error))
        } catch {
            let failure = CacheError(key: key, reason: .computeFailed, underlying: error)
            (outcome, result) = (.failed(failure), .failure(failure))
        }
        let waiters = state.withLock { $0.flights.removeValue(forKey: key)?.waiters.values.map { $0 } ?? [] }
        for waiter in waiters { waiter.resume(returning: outcome) }
        return try result.get()
    }

    /// Waits for the flight of `key` to finish, for at most `timeout`.
    private func wait(for key: String, timeout: Duration) async throws -> Outcome {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { await self.join(key, id: id) }
            group.addTask {
                do {
                    try await self.clock.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .retry  // Cancelled because the flight finished first.
                }
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        try Task.checkCancellation()
        return outcome
    }

    /// Registers waiter `id` on the flight of `key` until it finishes or the task is cancelled.
    private func join(_ key: String, id: UInt64) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard state.flights[key] != nil, !Task.isCancelled else { return false }
                    state.flights[key]!.waiters[id] = continuation
                    return true
                }
                // The flight already finished (or we were cancelled): look again.
                if !registered { continuation.resume(returning: .retry) }
            }
        } onCancel: {
            state.withLock { $0.flights[key]?.waiters.removeValue(forKey: id) }?.resume(returning: .retry)
        }
    }

    private func lookup(_ key: String) -> Data? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries.peek(key) else { return nil }
            if let expiresAt = entry.expiresAt, expiresAt <= now {
                state.entries.remove(key)
                return nil
            }
            state.entries.touch(key)
            return entry.data
        }
    }

    private func store(_ key: String, _ data: Data, ttl: Duration?) {
        let now = clock.now
        state.withLock { state in
            state.entries.set(key, Entry(data: data, expiresAt: ttl.map { now.advanced(by: $0) }))
            guard state.entries.count > maxEntries else { return }
            // Expired entries go before live ones, but scanning for them costs O(n), so
            // that happens at most once per `maxEntries` evictions.
            if state.evictionsSinceSweep >= maxEntries {
                state.entries.removeAll { entry in entry.expiresAt.map { $0 <= now } ?? false }
                state.evictionsSinceSweep = 0
            }
            while state.entries.count > maxEntries, let (_, evicted) = state.entries.removeOldest() {
                if evicted.expiresAt.map({ $0 > now }) ?? true { state.evictions += 1 }
                state.evictionsSinceSweep += 1
            }
        }
    }
}

extension InMemoryCache where C == ContinuousClock {
    /// Creates a cache whose expiry follows the system's continuous clock.
    public convenience init(maxEntries: Int = 10_000) { self.init(maxEntries: maxEntries, clock: ContinuousClock()) }
}
