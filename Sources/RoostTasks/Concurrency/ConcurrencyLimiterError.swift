import RoostCore

/// Why a ``ConcurrencyLimiter`` refused to run an operation.
public struct ConcurrencyLimiterError: RoostError, Equatable {
    /// The kinds of refusal.
    public enum Reason: Sendable, Hashable {
        /// All running slots were busy and the waiting queue was full.
        case queueFull(maxRunning: Int, maxWaiting: Int)
        /// The operation waited in the queue longer than the queue timeout.
        case queueTimeout(Duration)
    }

    /// Why the operation was refused.
    public let reason: Reason

    /// Creates the error.
    public init(reason: Reason) { self.reason = reason }

    /// `tasks.limiter.queue_full` or `tasks.limiter.queue_timeout`.
    public var code: ErrorCode {
        switch reason {
        case .queueFull: "tasks.limiter.queue_full"
        case .queueTimeout: "tasks.limiter.queue_timeout"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .queueFull(let running, let waiting):
            "Too busy: \(running) operations are running and \(waiting) are already waiting; retry later, or raise maxRunning or maxWaiting."
        case .queueTimeout(let timeout):
            "The operation waited \(timeout) for a free slot without getting one; retry later, or raise maxRunning or the queue timeout."
        }
    }
}
