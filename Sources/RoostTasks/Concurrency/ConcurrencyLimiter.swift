import Synchronization

/// Limits how many operations run at once, with a bounded, first-come first-served
/// waiting queue and an optional queue timeout.
///
/// - Up to `maxRunning` operations run at the same time.
/// - Up to `maxWaiting` more wait for a slot, in arrival order; any further call is
///   rejected at once with ``ConcurrencyLimiterError/Reason/queueFull(maxRunning:maxWaiting:)``.
/// - A caller that waits longer than `queueTimeout` (measured on the injected clock)
///   gives up with ``ConcurrencyLimiterError/Reason/queueTimeout(_:)``.
/// - A waiting caller that is cancelled leaves the queue with `CancellationError`.
///
/// ```swift
/// let limiter = ConcurrencyLimiter(maxRunning: 8, maxWaiting: 100, queueTimeout: .seconds(2))
/// let page = try await limiter.run { try await crawler.fetch(url) }
/// ```
public final class ConcurrencyLimiter<C: Clock>: Sendable where C.Duration == Duration {
    /// The most operations that run at once.
    public let maxRunning: Int
    /// The most operations that wait for a slot.
    public let maxWaiting: Int
    /// How long an operation may wait for a slot; nil waits without limit.
    public let queueTimeout: Duration?

    private let clock: C
    private let state = Mutex(LimiterState())

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - maxRunning: Operations allowed to run at once; at least 1.
    ///   - maxWaiting: Operations allowed to wait; 0 rejects whenever all slots are busy.
    ///   - queueTimeout: The longest wait for a slot; nil for no limit.
    ///   - clock: The clock that measures the queue timeout.
    public init(maxRunning: Int, maxWaiting: Int, queueTimeout: Duration? = nil, clock: C) {
        precondition(maxRunning >= 1, "maxRunning must be at least 1")
        precondition(maxWaiting >= 0, "maxWaiting must not be negative")
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.queueTimeout = queueTimeout
        self.clock = clock
    }

    /// The number of operations running now.
    public var runningCount: Int { state.withLock { $0.running } }

    /// The number of operations waiting for a slot now.
    public var waitingCount: Int { state.withLock { $0.queue.count } }

    /// Runs `operation` when a slot is free and returns its result.
    ///
    /// The call and the operation run on the caller's executor (an actor's, or the global
    /// one): passing through the limiter costs no executor switch.
    ///
    /// - Throws: ``ConcurrencyLimiterError`` when the queue is full or the wait times out,
    ///   `CancellationError` when cancelled while waiting, or the operation's own error.
    nonisolated(nonsending) public func run<Value>(
        _ operation: nonisolated(nonsending) () async throws -> Value
    ) async throws -> Value {
        let (maxRunning, maxWaiting) = (self.maxRunning, self.maxWaiting)
        let admission = state.withLock { $0.admit(maxRunning: maxRunning, maxWaiting: maxWaiting) }
        if case .admitted = admission {
            defer { release() }
            return try await operation()
        }
        try await waitForSlot(admission)
        defer { release() }
        return try await operation()
    }

    /// Waits for a slot after a refused fast-path admission.
    nonisolated(nonsending) private func waitForSlot(_ admission: Admission) async throws {
        switch admission {
        case .admitted:
            return
        case .rejected:
            throw ConcurrencyLimiterError(reason: .queueFull(maxRunning: maxRunning, maxWaiting: maxWaiting))
        case .queued(let id):
            guard let queueTimeout else { return try await wait(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await self.clock.sleep(for: queueTimeout)
                    self.fail(id, with: ConcurrencyLimiterError(reason: .queueTimeout(queueTimeout)))
                }
                defer { group.cancelAll() }
                try await wait(id)
            }
        }
    }

    /// Suspends until waiter `id` is granted a slot or fails.
    private func wait(_ id: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let early = state.withLock { state -> Resolution? in
                    if let resolution = state.early.removeValue(forKey: id) { return resolution }
                    if let index = state.queue.firstIndex(where: { $0.id == id }) {
                        state.queue[index].continuation = continuation
                    }
                    return nil
                }
                switch early {
                case .none: break
                case .granted: continuation.resume()
                case .failed(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            fail(id, with: CancellationError())
        }
    }

    private func fail(_ id: UInt64, with error: any Error) {
        let continuation = state.withLock { $0.resolve(id, with: .failed(error)) }
        continuation??.resume(throwing: error)
    }

    private func release() {
        let next = state.withLock { $0.release() }
        next??.resume()
    }
}

extension ConcurrencyLimiter where C == ContinuousClock {
    /// Creates a limiter whose queue timeout is measured on the system's continuous clock.
    public convenience init(maxRunning: Int, maxWaiting: Int, queueTimeout: Duration? = nil) {
        self.init(maxRunning: maxRunning, maxWaiting: maxWaiting, queueTimeout: queueTimeout, clock: ContinuousClock())
    }
}

// The limiter's state does not depend on the clock type, so it lives outside the generic
// class: nested in it, every access would look up generic metadata at run time, which
// cost more than the rest of an uncontended pass.

private enum Resolution {
    case granted
    case failed(any Error)
}

private enum Admission {
    case admitted
    case queued(UInt64)
    case rejected
}

private struct Waiter {
    var id: UInt64
    var continuation: CheckedContinuation<Void, any Error>?
}

private struct LimiterState {
    var running = 0
    var nextID: UInt64 = 0
    var queue: [Waiter] = []
    /// Outcomes decided before the waiter registered its continuation.
    var early: [UInt64: Resolution] = [:]

    /// Takes a slot if one is free and nobody waits; else queues a waiter if there is room.
    mutating func admit(maxRunning: Int, maxWaiting: Int) -> Admission {
        if running < maxRunning && queue.isEmpty {
            running += 1
            return .admitted
        }
        guard queue.count < maxWaiting else { return .rejected }
        nextID += 1
        queue.append(Waiter(id: nextID, continuation: nil))
        return .queued(nextID)
    }

    /// Removes waiter `id` from the queue and returns its continuation, or records the
    /// outcome for later. Returns nil and does nothing if `id` is not queued.
    mutating func resolve(_ id: UInt64, with resolution: Resolution) -> CheckedContinuation<Void, any Error>?? {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
        let waiter = queue.remove(at: index)
        if waiter.continuation == nil { early[id] = resolution }
        return .some(waiter.continuation)
    }

    /// Frees a slot: passes it straight to the longest waiter (`running` unchanged) and
    /// returns that waiter's continuation, or decrements `running`.
    mutating func release() -> CheckedContinuation<Void, any Error>?? {
        guard let first = queue.first else {
            running -= 1
            return nil
        }
        return resolve(first.id, with: .granted)
    }
}
