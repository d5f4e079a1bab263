import RoostCore

/// Why a child process started with ``ProcessCommand`` did not succeed.
public struct ProcessError: RoostError {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The program could not be started (not found, not executable, bad working directory).
        case launchFailed
        /// The program exited with a code other than 0.
        case nonZeroExit(code: Int32)
        /// The program was ended by a signal it did not handle.
        case terminatedBySignal(Int32)
        /// The program ran longer than its timeout and was killed.
        case timedOut(Duration)
        /// The program wrote more standard output than the collecting limit.
        case outputTooLarge(limit: Int)
        /// Its input, output or exit could not be followed (a pipe or process-monitoring
        /// failure of the operating system).
        case communicationFailed
    }

    /// The command line that failed.
    public let command: String
    /// What went wrong.
    public let reason: Reason
    /// The last lines of the program's standard error (empty if it wrote none).
    public let standardErrorTail: String
    /// The error from the process library, for launch failures.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(command: String, reason: Reason, standardErrorTail: String = "", underlying: (any Error)? = nil) {
        self.command = command
        self.reason = reason
        self.standardErrorTail = standardErrorTail
        self.underlying = underlying
    }

    /// `tasks.process.launch_failed`, `tasks.process.exit_status`, `tasks.process.signal`,
    /// `tasks.process.timeout`, `tasks.process.output_too_large` or `tasks.process.io`.
    public var code: ErrorCode {
        switch reason {
        case .launchFailed: "tasks.process.launch_failed"
        case .nonZeroExit: "tasks.process.exit_status"
        case .terminatedBySignal: "tasks.process.signal"
        case .timedOut: "tasks.process.timeout"
        case .outputTooLarge: "tasks.process.output_too_large"
        case .communicationFailed: "tasks.process.io"
        }
    }

    /// What happened and what to do, with the end of standard error.
    public var message: String {
        let text =
            switch reason {
            case .launchFailed:
                "Could not start '\(command)'; check that the program exists, is executable, and that the working directory exists."
            case .nonZeroExit(let code):
                "'\(command)' exited with status \(code); its standard error says why."
            case .terminatedBySignal(let signal):
                "'\(command)' was ended by signal \(signal)."
            case .timedOut(let timeout):
                "'\(command)' ran longer than \(timeout) and was killed; raise the timeout or make it faster."
            case .outputTooLarge(let limit):
                "'\(command)' wrote more than \(limit) bytes of output; raise outputLimit or stream the output line by line."
            case .communicationFailed:
                "Lost contact with '\(command)' (its pipes or its exit could not be read); check the system's process and file-descriptor limits."
            }
        return standardErrorTail.isEmpty ? text : text + " Standard error ends with:\n" + standardErrorTail
    }
}
