import RoostCore

/// A ``Transaction`` could not finish cleanly.
public struct TransactionError: RoostError {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// Commit or rollback was called on a transaction that had already ended this way.
        case alreadyFinished(Transaction.State)
        /// Some hooks of the outcome threw; the others still ran.
        case hooksFailed(Transaction.State, count: Int)
    }

    /// What went wrong.
    public let reason: Reason
    /// The errors of the failed hooks, in the order the hooks ran.
    public let hookErrors: [any Error]
    /// The error that caused the rollback, when ``withTransaction(_:)`` rolled back because
    /// its body threw.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(reason: Reason, hookErrors: [any Error], underlying: (any Error)? = nil) {
        self.reason = reason
        self.hookErrors = hookErrors
        self.underlying = underlying
    }

    /// `tasks.transaction.finished` or `tasks.transaction.hooks_failed`.
    public var code: ErrorCode {
        switch reason {
        case .alreadyFinished: "tasks.transaction.finished"
        case .hooksFailed: "tasks.transaction.hooks_failed"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .alreadyFinished(let state):
            "The transaction is already \(state == .committed ? "committed" : "rolled back"); commit or roll back each transaction once."
        case .hooksFailed(let state, let count):
            "\(count) \(state == .committed ? "commit" : "rollback") hook(s) failed (the others ran): \(hookErrors.map { String(describing: $0) }.joined(separator: "; "))."
        }
    }
}
