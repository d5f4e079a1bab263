import Synchronization

/// The queue through which other tasks ask the task that runs a scope to start work in
/// its task group or to cancel it.
///
/// Only the owner calls ``next()``; anyone may ``post(_:)``. Once closed, posts fail, so a
/// scope that has ended refuses new work instead of losing it.
final class ScopeMailbox: Sendable {
    enum Job: Sendable {
        /// Run the operation as a child task of the scope.
        case spawn(@Sendable () async throws -> Void)
        /// Run a task that reports its own outcome (the tasks services spawn run this way).
        case start(@Sendable () async -> Void)
        /// Cancel everything running in the scope.
        case cancel
        /// The scope's body returned or threw.
        case bodyFinished
    }

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var waiter: UnsafeContinuation<Job?, Never>?
        var closed = false

        mutating func pop() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    private let state = Mutex(State())

    init() {}

    /// Queues a job; returns `false` when the mailbox is closed.
    @discardableResult
    func post(_ job: Job) -> Bool {
        let outcome: (accepted: Bool, waiter: UnsafeContinuation<Job?, Never>?) = state.withLock { state in
            if state.closed { return (false, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (true, waiter)
            }
            state.jobs.append(job)
            return (true, nil)
        }
        outcome.waiter?.resume(returning: job)
        return outcome.accepted
    }

    /// The next job, or `nil` once the mailbox is closed and drained.
    func next() async -> Job? {
        if let job = state.withLock({ $0.pop() }) { return job }
        return await withUnsafeContinuation { continuation in
            let immediate: Job?? = state.withLock { state in
                if let job = state.pop() { return .some(job) }
                if state.closed { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Refuses further jobs and wakes the owner if it waits.
    func close() {
        let waiter: UnsafeContinuation<Job?, Never>? = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.jobs.count > state.head ? nil : state.waiter
        }
        waiter?.resume(returning: nil)
    }
}
