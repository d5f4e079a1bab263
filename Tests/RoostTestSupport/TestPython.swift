import Foundation
import RoostTasks
import Testing

/// The Python interpreter that `scripts/test` prepares for tests that check Roost against
/// independent Python implementations: openpyxl, croniter, cryptography and PyJWT.
///
/// `scripts/test` creates a virtual environment under `.build-venv/test`, installs the
/// packages there and exports ``environmentVariable``. Tests declare the need with
/// ``Testing/Trait/requiresPython``; locally a bare `swift test` skips them, under
/// `CI=true` they run and fail when the interpreter is missing.
///
/// ```swift
/// @Test(.requiresPython)
/// func readBack() throws {
///     let output = try TestPython.run(script: "import sys; print(sys.argv[1])", arguments: ["hi"])
/// }
/// ```
public enum TestPython {
    /// `ROOST_TEST_PYTHON`.
    public static let environmentVariable = "ROOST_TEST_PYTHON"

    /// The interpreter path, if the environment provides one.
    public static var configuredPath: String? {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return nil }
        return value
    }

    /// Whether tests needing Python should run: always under CI, otherwise when configured.
    public static var shouldRun: Bool { configuredPath != nil || TestServer.isCI }

    /// Why such a test was skipped.
    public static var skipReason: String {
        "\(environmentVariable) is not set, so the cross-checks with Python libraries were skipped: run scripts/test, which prepares a virtual environment with openpyxl, croniter, cryptography and PyJWT"
    }

    /// Runs `script` with `arguments` and returns its standard output.
    ///
    /// - Throws: ``PythonFailure`` when the interpreter is missing or the script exits
    ///   with a non-zero status (its standard error is included).
    public static func run(script: String, arguments: [String] = []) async throws -> String {
        guard let python = configuredPath else { throw PythonFailure(description: skipReason + " (CI=true requires them)") }
        return try await runProgram(python, ["-c", script] + arguments)
    }

    /// Runs a program to completion (within five minutes) and returns its standard output.
    ///
    /// It runs through RoostTasks' `ProcessCommand` (swift-subprocess): the wait suspends
    /// instead of blocking one of the cooperative pool's few threads, and the child is
    /// reaped by the same machinery as every other subprocess of the test run.
    public static func runProgram(
        _ executable: String, _ arguments: [String], in workingDirectory: URL? = nil
    ) async throws -> String {
        let command = ProcessCommand(
            executable, arguments, workingDirectory: workingDirectory?.path, timeout: .seconds(300))
        do {
            return try await command.run().standardOutput
        } catch {
            throw PythonFailure(description: "\(executable) failed: \(error)")
        }
    }
}

/// A Python check that could not run or did not succeed.
public struct PythonFailure: Error, CustomStringConvertible {
    /// What happened.
    public let description: String
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when ``TestPython`` is configured (always under `CI=true`, where
    /// a missing interpreter then fails the test).
    public static var requiresPython: Self {
        .enabled(if: TestPython.shouldRun, Comment(rawValue: TestPython.skipReason))
    }
}
