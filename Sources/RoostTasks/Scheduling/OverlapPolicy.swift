import RoostCore

/// What a scheduled task does when a run comes due while the previous run is still going.
public enum OverlapPolicy: Sendable, Hashable {
    /// At most one run at a time (the default): the due run waits for the previous one, and
    /// the task's missed-run rule decides what happens to runs that came due meanwhile.
    case forbid
    /// Every run starts on time, even while earlier runs are still going. On shutdown the
    /// task waits for all of them.
    case allow
}

/// Why a scheduled task refused to start.
public struct ScheduledTaskError: RoostError, Equatable {
    /// The kinds of refusal.
    public enum Reason: Sendable, Hashable {
        /// `run()` was called while the task was already running.
        case alreadyRunning
    }

    /// The task's name.
    public let task: String
    /// Why the task refused.
    public let reason: Reason

    /// Creates the error.
    public init(task: String, reason: Reason) {
        self.task = task
        self.reason = reason
    }

    /// `tasks.schedule.already_running`
    public var code: ErrorCode {
        switch reason {
        case .alreadyRunning: "tasks.schedule.already_running"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .alreadyRunning:
            "The scheduled task \"\(task)\" is already running; run each task in one service group only, or create a second task."
        }
    }
}
