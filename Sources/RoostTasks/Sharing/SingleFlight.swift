import Synchronization

/// Collapses concurrent calls for the same key into one run of the operation.
///
/// The first caller for a key starts the operation; callers that arrive while it runs
/// wait for the same result instead of starting their own. When the run finishes, every
/// waiter receives its value, or its error: a failure is delivered to all waiters, never
/// lost. The next call after completion starts a fresh run.
///
/// Each waiter may be cancelled on its own: it stops waiting with `CancellationError`
/// while the others keep waiting for the shared run. The run itself is cancelled only
/// when every waiter has gone.
///
/// ```swift
/// let flights = SingleFlight<String, User>()
/// // A thousand concurrent requests for the same user cause one database query.
/// let user = try await flights.run(key: "user:42") {
///     try await database.fetchUser(id: 42)
/// }
/// ```
public final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Flight {
        /// Identifies this run, so that a stale completion cannot end a newer run.
        var generation: UInt64
        var task: Task<Void, Never>?
        var waiters: [UInt64: CheckedContinuation<Value, any Error>]
    }

    private enum Registration {
        case cancelled
        case joined
        case start
    }

    private struct State {
        var nextID: UInt64 = 0
        var flights: [Key: Flight] = [:]
        /// Waiters between getting an identifier and registering their continuation.
        var registering: Set<UInt64> = []
        /// Waiters cancelled while registering.
        var cancelledBeforeStart: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// Creates an empty group.
    public init() {}

    /// The number of keys with a run in progress.
    public var inFlightCount: Int { state.withLock { $0.flights.count } }

    /// The number of callers waiting for the run in progress for `key` (0 when none).
    public func waiterCount(key: Key) -> Int { state.withLock { $0.flights[key]?.waiters.count ?? 0 } }

    /// Returns the result of `operation` for `key`, sharing a run already in progress.
    ///
    /// The run executes in a task owned by this group, so that cancelling the caller that
    /// happened to start it does not cancel it for the others; its result is awaited by
    /// every waiter, and it is cancelled when no waiter is left.
    ///
    /// - Throws: The operation's error (every waiter gets it), or `CancellationError` if
    ///   this caller is cancelled while waiting.
    public func run(key: Key, operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let waiterID = state.withLock { state -> UInt64 in
            state.nextID += 1
            state.registering.insert(state.nextID)
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let action = state.withLock { state -> Registration in
                    state.registering.remove(waiterID)
                    if state.cancelledBeforeStart.remove(waiterID) != nil { return .cancelled }
                    if state.flights[key] != nil {
                        state.flights[key]!.waiters[waiterID] = continuation
                        return .joined
                    }
                    state.flights[key] = Flight(generation: waiterID, task: nil, waiters: [waiterID: continuation])
                    return .start
                }
                switch action {
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .joined:
                    break
                case .start:
                    start(key: key, generation: waiterID, operation: operation)
                }
            }
        } onCancel: {
            cancelWaiter(waiterID, key: key)
        }
    }

    private func start(key: Key, generation: UInt64, operation: @escaping @Sendable () async throws -> Value) {
        let task = Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            self.finish(key: key, generation: generation, result: result)
        }
        let orphaned = state.withLock { state -> Bool in
            guard state.flights[key]?.generation == generation else { return true }
            state.flights[key]!.task = task
            return false
        }
        // Every waiter left (or the run already finished) before the task was recorded.
        if orphaned { task.cancel() }
    }

    private func finish(key: Key, generation: UInt64, result: Result<Value, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard let flight = state.flights[key], flight.generation == generation else { return [] }
            state.flights.removeValue(forKey: key)
            return Array(flight.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func cancelWaiter(_ waiterID: UInt64, key: Key) {
        let (continuation, abandonedTask) = state.withLock {
            state -> (CheckedContinuation<Value, any Error>?, Task<Void, Never>?) in
            guard let continuation = state.flights[key]?.waiters.removeValue(forKey: waiterID) else {
                // Not registered yet: fail at registration. Already served: nothing to do.
                if state.registering.contains(waiterID) { state.cancelledBeforeStart.insert(waiterID) }
                return (nil, nil)
            }
            guard state.flights[key]!.waiters.isEmpty else { return (continuation, nil) }
            let flight = state.flights.removeValue(forKey: key)!
            return (continuation, flight.task)
        }
        continuation?.resume(throwing: CancellationError())
        abandonedTask?.cancel()
    }
}
