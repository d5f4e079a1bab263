import Foundation
import RoostCoordination
import RoostCoordinationContracts
import RoostTasks
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Safety of ``RedisLock`` across real OS processes (the `roost-lock-stress` executable):
/// mutual exclusion and fencing checked by an independent reading of what each process
/// recorded, and recovery after a holder is killed.
@Suite("RedisLock across processes", .requires(.redis), .timeLimit(.minutes(5)))
struct RedisLockProcessTests {
    static let processes = 4
    static let acquisitionsEach = 500

    @Test("2,000 acquisitions from 4 processes: no two holds overlap, fencing tokens grow with time")
    func mutualExclusionAcrossProcesses() async throws {
        let url = try TestServer.redis.url().absoluteString
        let key = "\(uniqueKeyPrefix()):process-lock"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let outputs = (0..<Self.processes).map { directory.appendingPathComponent("holds-\($0).txt").path }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for output in outputs {
                group.addTask { try await runStress(["cycle", url, key, "\(Self.acquisitionsEach)", output]) }
            }
            try await group.waitForAll()
        }

        // The independent check: every hold, from every process, on the shared monotonic clock.
        var holds: [(fence: UInt64, start: UInt64, end: UInt64)] = []
        for output in outputs {
            for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: " ").compactMap { UInt64($0) }
                try #require(fields.count == 3, "bad record: \(line)")
                holds.append((fields[0], fields[1], fields[2]))
            }
        }
        #expect(holds.count == Self.processes * Self.acquisitionsEach)
        holds.sort { $0.start < $1.start }
        var overlaps = 0
        var fenceInversions = 0
        for (earlier, later) in zip(holds, holds.dropFirst()) {
            if earlier.end > later.start { overlaps += 1 }
            if earlier.fence >= later.fence { fenceInversions += 1 }
        }
        #expect(overlaps == 0)
        #expect(fenceInversions == 0)
        #expect(Set(holds.map(\.fence)).count == holds.count)
    }

    @Test("a holder killed with SIGKILL keeps the lock until its TTL, then another process acquires it")
    func killedHolderReleasesAfterTTL() async throws {
        let url = try TestServer.redis.url().absoluteString
        let key = "\(uniqueKeyPrefix()):killed-holder"
        let holderFence = try await withStressProcess(["hold", url, key, "20000"]) { holder in
            let line = try await holder.firstLine()
            let fence = try #require(line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }, "holder said: \(line)")
            _ = try await holder.pid()
            holder.kill()
            try await holder.waitUntilEnded()
            return fence
        }

        let connection = try await connectToTestServer()
        let lock = RedisLock(client: connection)
        // The server still counts the dead holder's lease down: the key stays held until
        // its TTL has passed, then the next acquire gets it with a larger fencing token.
        let clock = ContinuousClock()
        let start = clock.now  // before the PTTL read, so the wait measured cannot be shorter than `left`
        let left = try #require(try await connection.send(RedisCommand("PTTL", .string("roost:lock:{\(key)}"))).integer)
        #expect(left > 0 && left <= 20_000, "a loaded runner took more than the 20 s TTL to read it")
        let lease = try await lock.acquire(key, ttl: .seconds(5), timeout: .seconds(60))
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(left) - .milliseconds(50), "acquired \(waited) after the kill, \(left) ms early")
        #expect(lease.fencingToken > holderFence)
        #expect(try await lock.release(lease))
        try await connection.close()
    }
}

/// Runs the stress executable to its end; throws if it fails.
func runStress(_ arguments: [String]) async throws {
    _ = try await ProcessCommand(try builtExecutable("roost-lock-stress").path, arguments, timeout: .seconds(240)).run()
}

struct StressProcessError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a long-lived test process (`roost-lock-stress` unless `executable` names
/// another) in `body`'s scope: `body` gets the lines the process has printed so far and
/// its id (the last field of its first line), and may SIGKILL it. The process runs
/// through RoostTasks' `ProcessCommand`, which reaps it; it is killed when the scope ends
/// if it still runs.
func withStressProcess<R: Sendable>(
    _ arguments: [String], executable: String = "roost-lock-stress", _ body: (StressProcessHandle) async throws -> R
) async throws -> R {
    let handle = StressProcessHandle()
    let command = ProcessCommand(try builtExecutable(executable).path, arguments)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // Killing it makes run() throw: that is how this process is meant to end.
            _ = try? await command.run { line in handle.lines.update { $0.append(line) } }
            handle.ended.set(true)
        }
        do {
            let result = try await body(handle)
            handle.kill()
            try await group.waitForAll()
            return result
        } catch {
            handle.kill()
            throw error
        }
    }
}

/// What a test sees of a running stress process.
final class StressProcessHandle: Sendable {
    let lines = Shared<[String]>([])
    let ended = Shared(false)

    /// The first line the process printed, within 30 seconds.
    func firstLine() async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            if let line = lines.value.first { return line }
            guard !ended.value else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw StressProcessError(description: "the process printed no line (ended: \(ended.value))")
    }

    /// The process id, the last field of the first line.
    func pid() async throws -> pid_t {
        let line = try await firstLine()
        guard let pid = line.split(separator: " ").last.flatMap({ pid_t($0) }) else {
            throw StressProcessError(description: "no process id in \(line)")
        }
        return pid
    }

    /// Sends SIGKILL (again, harmlessly, if it already ended).
    func kill() {
        guard let line = lines.value.first, let pid = line.split(separator: " ").last.flatMap({ pid_t($0) }) else {
            return
        }
        if !ended.value { Foundation.kill(pid, SIGKILL) }
    }

    /// Waits until the process has ended, up to 30 seconds.
    func waitUntilEnded() async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !ended.value {
            guard ContinuousClock.now < deadline else { throw StressProcessError(description: "the process did not end") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
