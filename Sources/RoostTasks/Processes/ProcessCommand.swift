/// A program to run as a child process, with its arguments, environment, working directory
/// and time limit. Run it with ``run(clock:)`` (collecting its output) or
/// ``run(clock:onOutputLine:)`` (streaming its output line by line).
///
/// ```swift
/// let result = try await ProcessCommand("/usr/bin/git", ["rev-parse", "HEAD"]).run()
/// print(result.standardOutput)
///
/// var backup = ProcessCommand("pg_dump", ["--format=custom", "app"])
/// backup.timeout = .seconds(600)
/// try await backup.run { line in logger.info("\(line)") }
/// ```
public struct ProcessCommand: Sendable, Hashable, CustomStringConvertible {
    /// A path (containing `/`) or a program name looked up in `PATH`.
    public var executable: String
    /// The arguments, without the program name.
    public var arguments: [String]
    /// Variables set in addition to (or instead of) the inherited environment.
    public var environment: [String: String]
    /// The working directory; nil keeps the current one.
    public var workingDirectory: String?
    /// Text written to standard input (then closed); nil gives no input.
    public var input: String?
    /// The longest the process may run; nil for no limit. When it passes, the process and
    /// the processes it started get `SIGTERM`, then `SIGKILL` after ``killGracePeriod``.
    public var timeout: Duration?
    /// How long a process may take to exit after `SIGTERM` before it gets `SIGKILL`.
    public var killGracePeriod: Duration
    /// How many of the last lines of standard error are kept for ``ProcessResult`` and
    /// ``ProcessError``.
    public var standardErrorTailLines: Int
    /// The most bytes of standard output ``run(clock:)`` collects before failing with
    /// ``ProcessError/Reason/outputTooLarge(limit:)``.
    public var outputLimit: Int

    /// Creates a command.
    ///
    /// - Parameters:
    ///   - executable: A path, or a program name looked up in `PATH`.
    ///   - arguments: The arguments.
    ///   - environment: Variables added to the inherited environment.
    ///   - workingDirectory: The working directory (default: the current one).
    ///   - input: Text for standard input.
    ///   - timeout: The longest the process may run.
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, input: String? = nil, timeout: Duration? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        killGracePeriod = .seconds(2)
        standardErrorTailLines = 20
        outputLimit = 16 << 20
    }

    /// The command line, for messages.
    public var description: String { ([executable] + arguments).joined(separator: " ") }
}

/// How a child process ended, with its collected output.
public struct ProcessResult: Sendable, Hashable {
    /// The exit code (0 here, since other codes throw ``ProcessError``).
    public let exitCode: Int32
    /// Standard output as lines joined with `\n` (empty when it was streamed).
    public let standardOutput: String
    /// The last ``ProcessCommand/standardErrorTailLines`` lines of standard error, joined with `\n`.
    public let standardErrorTail: String
}
