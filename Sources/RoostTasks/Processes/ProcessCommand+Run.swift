import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

extension ProcessCommand {
    /// Runs the command to the end and returns its standard output.
    ///
    /// Cancelling the calling task ends the process (`SIGTERM`, then `SIGKILL` after
    /// ``killGracePeriod``).
    ///
    /// - Throws: ``ProcessError`` if the program cannot start, exits with a non-zero status
    ///   (the error carries the status and the end of standard error), is killed by a
    ///   signal, runs past its ``timeout``, or writes more than ``outputLimit`` bytes;
    ///   `CancellationError` if cancelled.
    public func run<C: Clock>(clock: C) async throws -> ProcessResult where C.Duration == Duration {
        try await execute(clock: clock, onOutputLine: nil)
    }

    /// Runs the command to the end on the system's continuous clock; see ``run(clock:)``.
    public func run() async throws -> ProcessResult {
        try await execute(clock: ContinuousClock(), onOutputLine: nil)
    }

    /// Runs the command, passing each line of its standard output (without the line break)
    /// to `onOutputLine` as it arrives. The result's ``ProcessResult/standardOutput`` is empty.
    ///
    /// If `onOutputLine` throws, the process is killed and the error is rethrown.
    ///
    /// - Throws: as ``run(clock:)``, or the error of `onOutputLine`.
    public func run<C: Clock>(
        clock: C, onOutputLine: @escaping @Sendable (String) async throws -> Void
    ) async throws -> ProcessResult where C.Duration == Duration {
        try await execute(clock: clock, onOutputLine: onOutputLine)
    }

    /// Runs the command on the system's continuous clock, streaming its output; see
    /// ``run(clock:onOutputLine:)``.
    public func run(onOutputLine: @escaping @Sendable (String) async throws -> Void) async throws -> ProcessResult {
        try await execute(clock: ContinuousClock(), onOutputLine: onOutputLine)
    }

    private func execute<C: Clock>(
        clock: C, onOutputLine: (@Sendable (String) async throws -> Void)?
    ) async throws -> ProcessResult where C.Duration == Duration {
        var options = PlatformOptions()
        // Its own session, so that signals reach the processes it starts, too.
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGracePeriod)]
        let variables = environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }
        let configuration = Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(arguments),
            environment: variables.isEmpty ? .inherit : .inherit.updating(Dictionary(uniqueKeysWithValues: variables)),
            workingDirectory: workingDirectory.map { FilePath($0) },
            platformOptions: options)
        let outcome: ProcessRun
        do {
            if let input {
                outcome = try await launch(configuration, input: .string(input), clock: clock, onOutputLine: onOutputLine)
            } else {
                outcome = try await launch(configuration, input: .none, clock: clock, onOutputLine: onOutputLine)
            }
        } catch let error as SubprocessError {
            let launching: [SubprocessError.Code] = [.spawnFailed, .executableNotFound, .failedToChangeWorkingDirectory]
            let reason: ProcessError.Reason = launching.contains(error.code) ? .launchFailed : .communicationFailed
            throw ProcessError(command: description, reason: reason, underlying: error)
        }
        return try outcome.result(for: self)
    }

    private func launch<Input: InputProtocol, C: Clock>(
        _ configuration: Configuration, input: Input, clock: C,
        onOutputLine: (@Sendable (String) async throws -> Void)?
    ) async throws -> ProcessRun where C.Duration == Duration {
        let result = try await Subprocess.run(configuration, input: input, output: .sequence, error: .sequence) {
            execution in
            try await drive(execution, clock: clock, onOutputLine: onOutputLine)
        }
        var run = result.closureResult
        run.status = result.terminationStatus
        return run
    }
}
