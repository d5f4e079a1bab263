import Foundation
import Testing

/// The Python interpreter, with openpyxl, that `scripts/test` prepares for tests that
/// check Roost's output with Python libraries.
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
        "\(environmentVariable) is not set, so the tests that read files back with Python were skipped: run scripts/test, which prepares a virtual environment with openpyxl"
    }

    /// Runs `script` with `arguments` and returns its standard output.
    ///
    /// - Throws: ``PythonFailure`` when the interpreter is missing or the script exits
    ///   with a non-zero status (its standard error is included).
    public static func run(script: String, arguments: [String] = []) async throws -> String {
        guard let python = configuredPath else { throw PythonFailure(description: skipReason + " (CI=true requires them)") }
        return try await runProgram(python, ["-c", script] + arguments)
    }

    /// Runs a program to completion and returns its standard output.
    ///
    /// The wait suspends instead of blocking a thread: tests run on the few threads of the
    /// cooperative pool, and a blocked one would stall every other test meanwhile.
    public static func runProgram(
        _ executable: String, _ arguments: [String], in workingDirectory: URL? = nil
    ) async throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let outputFile = directory.appendingPathComponent("roost-program-\(UUID()).out")
        let errorFile = directory.appendingPathComponent("roost-program-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw PythonFailure(description: "\(executable) exited with status \(process.terminationStatus): \(errors)")
        }
        return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
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
