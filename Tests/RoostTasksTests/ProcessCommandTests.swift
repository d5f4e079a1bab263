import Foundation
import RoostTasks
import RoostTestSupport
import Testing

/// These tests start real programs (/bin/sh, printf, sleep).
@Suite struct ProcessCommandTests {
    @Test func collectsStandardOutput() async throws {
        let result = try await ProcessCommand("/bin/sh", ["-c", "printf 'one\\ntwo\\n'"]).run()
        #expect(result.exitCode == 0)
        #expect(result.standardOutput == "one\ntwo")
        #expect(result.standardErrorTail == "")
    }

    @Test func findsProgramsOnThePathAndPassesEnvironmentAndInput() async throws {
        let command = ProcessCommand(
            "sh", ["-c", "read line; printf '%s %s' \"$GREETING\" \"$line\"; pwd"],
            environment: ["GREETING": "hello"], workingDirectory: "/tmp", input: "world\n")
        let result = try await command.run()
        #expect(result.standardOutput == "hello world/tmp")
    }

    @Test func streamsLinesAsTheyArrive() async throws {
        let lines = EventLog<String>()
        let command = ProcessCommand("/bin/sh", ["-c", "for i in 1 2 3; do printf 'line %s\\n' $i; done"])
        let result = try await command.run { line in lines.append(line) }
        #expect(lines.all == ["line 1", "line 2", "line 3"])
        #expect(result.standardOutput == "")
    }

    @Test func nonZeroExitCarriesStatusAndStandardErrorTail() async throws {
        var command = ProcessCommand("/bin/sh", ["-c", "for i in $(seq 1 30); do echo \"err $i\" >&2; done; exit 3"])
        command.standardErrorTailLines = 2
        let error = try await #require(throws: ProcessError.self) { try await command.run() }
        #expect(error.reason == .nonZeroExit(code: 3))
        #expect(error.code == "tasks.process.exit_status")
        #expect(error.standardErrorTail == "err 29\nerr 30")
        #expect(error.message.contains("exited with status 3"))
        #expect(error.message.hasSuffix("err 29\nerr 30"))
    }

    @Test func timeoutKillsTheProcessAndItsChildren() async throws {
        // `sleep` is a child of the shell: it must die too, or its open pipe would keep
        // the run waiting for 30 seconds.
        let command = ProcessCommand("/bin/sh", ["-c", "echo started; sleep 300; echo never"], timeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let lines = EventLog<String>()
        let error = try await #require(throws: ProcessError.self) {
            try await command.run { lines.append($0) }
        }
        #expect(error.reason == .timedOut(.milliseconds(300)))
        #expect(error.code == "tasks.process.timeout")
        #expect(lines.all == ["started"])
        #expect(start.duration(to: clock.now) < .seconds(60))
    }

    @Test func processIgnoringTermIsKilledAfterTheGracePeriod() async throws {
        var command = ProcessCommand("/bin/sh", ["-c", "trap '' TERM; sleep 300"], timeout: .milliseconds(200))
        command.killGracePeriod = .milliseconds(200)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await #require(throws: ProcessError.self) { try await command.run() }
        #expect(error.reason == .timedOut(.milliseconds(200)))
        #expect(start.duration(to: clock.now) < .seconds(60))
    }

    @Test func signalDeathIsReported() async throws {
        let error = try await #require(throws: ProcessError.self) {
            try await ProcessCommand("/bin/sh", ["-c", "kill -KILL $$"]).run()
        }
        #expect(error.reason == .terminatedBySignal(9))
        #expect(error.code == "tasks.process.signal")
    }

    @Test func missingProgramIsALaunchFailure() async throws {
        let error = try await #require(throws: ProcessError.self) {
            try await ProcessCommand("/nonexistent/program-\(UUID())").run()
        }
        #expect(error.reason == .launchFailed)
        #expect(error.code == "tasks.process.launch_failed")
        #expect(error.underlying != nil)
    }

    @Test func missingWorkingDirectoryIsALaunchFailure() async throws {
        let command = ProcessCommand("/bin/sh", ["-c", "true"], workingDirectory: "/nonexistent/dir-\(UUID())")
        let error = try await #require(throws: ProcessError.self) { try await command.run() }
        #expect(error.reason == .launchFailed)
        #expect(error.message.contains("working directory"))
    }

    @Test func outputOverTheLimitFails() async throws {
        var command = ProcessCommand("/bin/sh", ["-c", "yes 0123456789 | head -c 100000"])
        command.outputLimit = 1_000
        let error = try await #require(throws: ProcessError.self) { try await command.run() }
        #expect(error.reason == .outputTooLarge(limit: 1_000))
    }

    @Test func failingLineHandlerKillsTheProcessAndRethrows() async throws {
        let command = ProcessCommand("/bin/sh", ["-c", "echo first; sleep 300"])
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: TestFailure(id: 1)) {
            try await command.run { _ in throw TestFailure(id: 1) }
        }
        #expect(start.duration(to: clock.now) < .seconds(60))
    }

    @Test func cancellingTheCallerEndsTheProcess() async throws {
        let started = Gate()
        let run = Task {
            try await ProcessCommand("/bin/sh", ["-c", "echo up; sleep 300"]).run { _ in started.open() }
        }
        await started.wait()
        let clock = ContinuousClock()
        let start = clock.now
        run.cancel()
        await #expect(throws: (any Error).self) { try await run.value }
        #expect(start.duration(to: clock.now) < .seconds(60))
    }
}
