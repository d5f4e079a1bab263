import Foundation
import RoostTasks
import RoostTestSupport
import Testing

/// `roost-demo config print`, run as a program: every key with its effective value and the
/// layer it came from, secrets redacted, and bad values reported all at once.
@Suite struct ConfigPrintTests {
    @Test func printsEveryValueWithItsSourceAndSecretsRedacted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-config-print-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("roost.yaml")
        try Data("http:\n  host: 0.0.0.0\n  port: 9100\nlogging:\n  level: debug\n".utf8).write(to: file)

        let command = ProcessCommand(
            try builtExecutable("roost-demo").path, ["config", "print", "--http-port", "9200", "--config", file.path],
            environment: ["ROOST_REDIS_URL": "redis://app:s3cret@cache:6379/0", "ROOST_LOGGING_LEVEL": "warning"],
            workingDirectory: directory.path, timeout: .seconds(60))
        let lines = try await command.run().standardOutput.split(separator: "\n").map(String.init)

        #expect(lines.contains("config = \(file.path)  (command line)"))
        #expect(lines.contains("http.port = 9200  (command line)"))
        #expect(lines.contains("http.host = 0.0.0.0  (file \(file.path))"))
        // Environment wins over the file.
        #expect(lines.contains("logging.level = warning  (environment)"))
        #expect(lines.contains("redis.url = redis://app:***@cache:6379/0  (environment)"))
        #expect(lines.contains("logging.format = auto  (built-in default)"))
        #expect(!lines.joined().contains("s3cret"))
    }

    @Test func anUnusableConfigFileFailsWithItsReason() async throws {
        let command = ProcessCommand(
            try builtExecutable("roost-demo").path, ["config", "print"],
            environment: ["ROOST_CONFIG": "/nonexistent/roost.toml"], timeout: .seconds(60))
        let error = await #expect(throws: ProcessError.self) { try await command.run() }
        #expect(error?.standardErrorTail.contains("a file ending in .json, .yaml or .yml") == true)
    }
}
