import Foundation
import RoostCoordination
import RoostCoordinationContracts
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
                group.addTask {
                    let status = try await runStress(["cycle", url, key, "\(Self.acquisitionsEach)", output])
                    #expect(status == 0, "a stress process failed; see its standard error above")
                }
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
        let holder = try StressProcess(["hold", url, key, "3000"])
        let line = try await holder.firstLine()
        let holderFence = try #require(line.split(separator: " ").last.flatMap { UInt64($0) }, "holder said: \(line)")
        await holder.kill()

        let connection = try await connectToTestServer()
        let lock = RedisLock(client: connection)
        // The server still counts the dead holder's lease down: the key stays held until
        // its TTL has passed, then the next acquire gets it with a larger fencing token.
        let left = try #require(try await connection.send(RedisCommand("PTTL", .string("roost:lock:{\(key)}"))).integer)
        #expect(left > 0 && left <= 3_000)
        let clock = ContinuousClock()
        let start = clock.now
        let lease = try await lock.acquire(key, ttl: .seconds(5), timeout: .seconds(20))
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(left) - .milliseconds(50), "acquired \(waited) after the kill, \(left) ms early")
        #expect(lease.fencingToken > holderFence)
        #expect(try await lock.release(lease))
        try await connection.close()
    }
}

/// The `roost-lock-stress` executable, built beside the test bundle.
func stressExecutable() throws -> URL {
    let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
    ]
    for case let directory? in candidates {
        let url = directory.appendingPathComponent("roost-lock-stress")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw StressProcessError(description: "roost-lock-stress was not built next to the tests; run `swift build` first")
}

/// Runs the stress executable to its end and returns its exit status.
func runStress(_ arguments: [String]) async throws -> Int32 {
    let process = try StressProcess(arguments)
    return await process.exitStatus()
}

struct StressProcessError: Error, CustomStringConvertible {
    let description: String
}

/// One running `roost-lock-stress` process. Its standard output goes to a file that is
/// polled, so that no test blocks a thread of the cooperative pool while it waits.
final class StressProcess: Sendable {
    private let process: Process
    private let outputFile: URL

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try stressExecutable()
        process.arguments = arguments
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("roost-stress-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        try process.run()
        self.process = process
    }

    deinit { try? FileManager.default.removeItem(at: outputFile) }

    /// The first line the process writes to standard output, within 30 seconds.
    func firstLine() async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, text.contains("\n") {
                return String(line)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw StressProcessError(description: "roost-lock-stress wrote no line (still running: \(process.isRunning))")
    }

    /// Kills the process with SIGKILL and waits until it is gone.
    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus()
    }

    /// Waits for the process to end.
    func exitStatus() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }
}
