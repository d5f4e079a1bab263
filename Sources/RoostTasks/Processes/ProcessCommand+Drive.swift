import Subprocess

/// What was observed while a child process ran.
struct ProcessRun: Sendable {
    var outputLines: [String] = []
    var errorTail: [String] = []
    var timedOut = false
    var outputTooLarge = false
    var status: TerminationStatus?

    /// The result, or the error that describes the failure.
    func result(for command: ProcessCommand) throws(ProcessError) -> ProcessResult {
        let tail = errorTail.joined(separator: "\n")
        func failure(_ reason: ProcessError.Reason) -> ProcessError {
            ProcessError(command: command.description, reason: reason, standardErrorTail: tail)
        }
        if timedOut, let timeout = command.timeout { throw failure(.timedOut(timeout)) }
        if outputTooLarge { throw failure(.outputTooLarge(limit: command.outputLimit)) }
        switch status {
        case .exited(0):
            return ProcessResult(exitCode: 0, standardOutput: outputLines.joined(separator: "\n"), standardErrorTail: tail)
        case .exited(let code):
            throw failure(.nonZeroExit(code: code))
        case .signaled(let signal):
            throw failure(.terminatedBySignal(signal))
        case nil:
            throw failure(.launchFailed)
        }
    }
}

/// One finished part of watching a process.
private enum ProcessPiece: Sendable {
    case output([String], tooLarge: Bool)
    case errorTail([String])
    case timer(fired: Bool)
}

extension ProcessCommand {
    /// Reads the process's output and error streams to their end, enforcing the timeout and
    /// the output limit.
    func drive<Input: InputProtocol, C: Clock>(
        _ execution: Execution<Input, SequenceOutput, SequenceOutput>, clock: C,
        onOutputLine: (@Sendable (String) async throws -> Void)?
    ) async throws -> ProcessRun where C.Duration == Duration {
        let outputLimit = outputLimit
        let tailLines = standardErrorTailLines
        let (timeout, grace) = (timeout, killGracePeriod)
        return try await withThrowingTaskGroup(of: ProcessPiece.self) { group in
            group.addTask {
                var lines: [String] = []
                var bytes = 0
                for try await line in execution.standardOutput.strings() {
                    if let onOutputLine {
                        try await onOutputLine(line)
                        continue
                    }
                    bytes += line.utf8.count + 1
                    if bytes > outputLimit { return .output([], tooLarge: true) }
                    lines.append(line)
                }
                return .output(lines, tooLarge: false)
            }
            group.addTask {
                var tail: [String] = []
                for try await line in execution.standardError.strings() {
                    tail.append(line)
                    if tail.count > tailLines { tail.removeFirst(tail.count - tailLines) }
                }
                return .errorTail(tail)
            }
            if let timeout {
                group.addTask {
                    do { try await clock.sleep(for: timeout) } catch { return .timer(fired: false) }
                    signal(execution, .terminate)
                    do { try await clock.sleep(for: grace) } catch { return .timer(fired: true) }
                    signal(execution, .kill)
                    return .timer(fired: true)
                }
            }
            var run = ProcessRun()
            var openStreams = 2
            do {
                while openStreams > 0, let piece = try await group.next() {
                    switch piece {
                    case .output(let lines, let tooLarge):
                        run.outputLines = lines
                        run.outputTooLarge = tooLarge
                        if tooLarge { signal(execution, .kill) }
                        openStreams -= 1
                    case .errorTail(let tail):
                        run.errorTail = tail
                        openStreams -= 1
                    case .timer(let fired):
                        run.timedOut = run.timedOut || fired
                    }
                }
            } catch {
                // The line handler (or reading) failed: end the process before rethrowing.
                signal(execution, .kill)
                throw error
            }
            // Both streams ended: stop a timer still waiting, but keep a timeout that fired.
            group.cancelAll()
            while let piece = try await group.next() {
                if case .timer(true) = piece { run.timedOut = true }
            }
            return run
        }
    }
}

/// Sends `signal` to the process's group (its own session, see ``ProcessCommand``).
///
/// A failure can only mean that the group has already exited (`ESRCH`): there is nothing
/// left to signal, and the exit status reports how it ended, so the failure is not raised.
private func signal<Input: InputProtocol>(
    _ execution: Execution<Input, SequenceOutput, SequenceOutput>, _ signal: Subprocess.Signal
) {
    do {
        try execution.send(signal: signal, toProcessGroup: true)
    } catch {
        return
    }
}
