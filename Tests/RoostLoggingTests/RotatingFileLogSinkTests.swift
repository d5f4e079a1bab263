import Foundation
import Logging
import RoostLogging
import ServiceLifecycle
import Synchronization
import Testing

/// A fresh directory under the system's temporary directory, removed by `body`'s end.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-logs-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs the sink's writer while `body` runs, then stops it (cancellation drains it).
func whileRunning<T: Sendable>(_ sink: RotatingFileLogSink, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await sink.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// The lines of a file, without their newlines.
func lines(of path: String) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// A line of exactly `length` bytes, newline included.
func fixedLine(_ tag: String, length: Int = 100) -> [UInt8] {
    Array((tag + String(repeating: "x", count: length - tag.utf8.count - 1) + "\n").utf8)
}

/// A wall clock that tests move by hand.
final class TestWallClock: Sendable {
    private let date: Mutex<Date>
    init(_ date: Date) { self.date = Mutex(date) }
    func now() -> Date { date.withLock { $0 } }
    func set(_ newDate: Date) { date.withLock { $0 = newDate } }
}

@Suite struct RotatingFileLogSinkTests {
    @Test func concurrentWritersRotateWithoutLosingOrInterleavingLines() async throws {
        try await withTemporaryDirectory { directory in
            let policy = LogRotationPolicy(maxFileBytes: 256 * 1024, retainedFiles: 10_000)
            let sink = try RotatingFileLogSink(
                directory: directory, fileName: "app.log", policy: policy, capacityBytes: 64 << 20)
            let logger = Logger(label: "load") { JSONLogHandler(label: $0, sink: sink) }
            let group = ServiceGroup(services: [sink], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await withTaskGroup(of: Void.self) { writers in
                    for task in 0..<8 {
                        writers.addTask {
                            for index in 0..<5_000 {
                                logger.info("line \(index)", metadata: ["task": .stringConvertible(task), "index": .stringConvertible(index)])
                            }
                        }
                    }
                }
                // Graceful shutdown must write everything still buffered.
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(sink.droppedLineCount == 0)
            #expect(sink.writtenLineCount == 40_000)
            let files = sink.rotatedFiles + [sink.currentPath]
            #expect(files.count > 10)
            var seen = Set<String>()
            for file in files {
                let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
                #expect(size <= 256 * 1024)
                for line in try lines(of: file) {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    let task = try #require(object["task"] as? Int)
                    let index = try #require(object["index"] as? Int)
                    #expect(object["message"] as? String == "line \(index)")
                    #expect(seen.insert("\(task)/\(index)").inserted)
                }
            }
            #expect(seen.count == 40_000)
        }
    }

    @Test func rotatesBySizeWithoutSplittingLines() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try RotatingFileLogSink(
                directory: directory, fileName: "app.log", policy: LogRotationPolicy(maxFileBytes: 1_000))
            try await whileRunning(sink) {
                for index in 0..<35 { sink.write(fixedLine("\(index) ")) }
                sink.write(fixedLine("huge ", length: 2_500))
                sink.write(fixedLine("after "))
                await sink.flush()
            }
            let rotated = sink.rotatedFiles
            #expect(rotated.count == 5)
            #expect(try rotated.prefix(3).map { try lines(of: $0).count } == [10, 10, 10])
            #expect(try lines(of: rotated[0]).first?.prefix(2) == "0 ")
            #expect(try lines(of: rotated[3]).map { $0.prefix(3) } == ["30 ", "31 ", "32 ", "33 ", "34 "])
            // A line longer than the limit gets a file of its own.
            #expect(try lines(of: rotated[4]).map { $0.count } == [2_499])
            #expect(try lines(of: sink.currentPath).map { $0.prefix(5) } == ["after"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 6)
        }
    }

    @Test func rotatesAtTheTimeOfDayOnTheInjectedClock() async throws {
        try await withTemporaryDirectory { directory in
            let start = try Date("2026-01-01T02:00:00Z", strategy: .iso8601)
            let clock = TestWallClock(start)
            let policy = LogRotationPolicy(
                maxFileBytes: nil, dailyAt: LogRotationPolicy.TimeOfDay(hour: 2, minute: 30), retainedFiles: 5)
            let sink = try RotatingFileLogSink(directory: directory, fileName: "app.log", policy: policy, now: clock.now)
            try await whileRunning(sink) {
                sink.write(fixedLine("before"))
                await sink.flush()
                clock.set(start.addingTimeInterval(29 * 60))  // 02:29: not yet
                sink.write(fixedLine("still-before"))
                await sink.flush()
                #expect(sink.rotatedFiles.isEmpty)
                clock.set(start.addingTimeInterval(31 * 60))  // 02:31
                sink.write(fixedLine("after"))
                await sink.flush()
                clock.set(start.addingTimeInterval(86_400 + 29 * 60))  // next day 02:29
                sink.write(fixedLine("next-day"))
                await sink.flush()
                #expect(sink.rotatedFiles.count == 1)
                clock.set(start.addingTimeInterval(86_400 + 30 * 60))  // next day 02:30
                sink.write(fixedLine("third"))
                await sink.flush()
            }
            let rotated = sink.rotatedFiles
            #expect(rotated.map { ($0 as NSString).lastPathComponent } == [
                "app.20260101T023100Z.000001.log", "app.20260102T023000Z.000002.log",
            ])
            #expect(try lines(of: rotated[0]).map { $0.prefix(6) } == ["before", "still-"])
            #expect(try lines(of: rotated[1]).map { $0.prefix(6) } == ["afterx", "next-d"])
            #expect(try lines(of: sink.currentPath).map { $0.prefix(5) } == ["third"])
        }
    }

    @Test func keepsOnlyTheRetainedNumberOfOldFiles() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try RotatingFileLogSink(
                directory: directory, fileName: "app.log", policy: LogRotationPolicy(maxFileBytes: 100, retainedFiles: 3))
            try await whileRunning(sink) {
                for index in 0..<10 {
                    sink.write(fixedLine("\(index) "))
                    await sink.flush()
                }
            }
            #expect(try sink.rotatedFiles.map { try lines(of: $0)[0].prefix(2) } == ["6 ", "7 ", "8 "])
            #expect(try lines(of: sink.currentPath)[0].prefix(2) == "9 ")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 4)
        }
    }

    @Test func overflowDropsNewestLinesAndReportsThemInTheFile() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try RotatingFileLogSink(directory: directory, fileName: "app.log", capacityBytes: 250)
            // The writer is not running yet, so the buffer fills up.
            for index in 0..<5 { sink.write(fixedLine("\(index) ")) }
            #expect(sink.droppedLineCount == 3)
            try await whileRunning(sink) { await sink.flush() }
            let written = try lines(of: sink.currentPath)
            #expect(written.count == 3)
            #expect(written.prefix(2).map { $0.prefix(2) } == ["0 ", "1 "])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(written[2].utf8)) as? [String: Any])
            #expect(report["dropped"] as? Int == 3)
            #expect(report["level"] as? String == "warning")
        }
    }

    @Test func linesAfterTheWriterFinishedAreCountedAsDropped() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try RotatingFileLogSink(directory: directory, fileName: "app.log")
            try await whileRunning(sink) {
                sink.write(fixedLine("kept"))
                await sink.flush()
            }
            sink.write(fixedLine("late"))
            #expect(sink.droppedLineCount == 1)
            await sink.flush()  // returns at once: the writer is gone
            #expect(try lines(of: sink.currentPath).count == 1)
        }
    }

    @Test func appendsToAnExistingFile() async throws {
        try await withTemporaryDirectory { directory in
            for round in 0..<2 {
                let sink = try RotatingFileLogSink(directory: directory, fileName: "app.log")
                try await whileRunning(sink) {
                    sink.write(fixedLine("round \(round)"))
                    await sink.flush()
                }
            }
            let path = "\(directory)/app.log"
            #expect(try lines(of: path).map { $0.prefix(7) } == ["round 0", "round 1"])
        }
    }

    @Test func unusableLocationsAreTypedErrors() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let file = "\(directory)/plain-file"
            FileManager.default.createFile(atPath: file, contents: Data())
            let directoryError = #expect(throws: LogFileError.self) {
                try RotatingFileLogSink(directory: "\(file)/logs", fileName: "app.log")
            }
            #expect(directoryError?.reason == .cannotCreateDirectory(path: "\(file)/logs"))
            #expect(directoryError?.code == "logging.file.directory")
            try FileManager.default.createDirectory(atPath: "\(directory)/app.log", withIntermediateDirectories: true)
            let openError = #expect(throws: LogFileError.self) {
                try RotatingFileLogSink(directory: directory, fileName: "app.log")
            }
            #expect(openError?.reason == .cannotOpen(path: "\(directory)/app.log", errno: EISDIR))
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
    func aFailingDiskIsCountedAndReportedAndTheWriterKeepsGoing() async throws {
        // Every write to /dev/full fails with ENOSPC, like a full disk.
        let sink = try RotatingFileLogSink(
            directory: "/dev", fileName: "full", policy: LogRotationPolicy(maxFileBytes: nil))
        try await whileRunning(sink) {
            sink.write(fixedLine("lost"))
            await sink.flush()
            sink.write(fixedLine("lost too"))
            await sink.flush()
        }
        let failures = sink.writeFailures
        #expect(failures.count == 2)
        #expect(failures.last?.reason == .writeFailed(path: "/dev/full", errno: ENOSPC))
        #expect(failures.last?.code == "logging.file.write")
    }

    @Test func aFileNameWithoutExtensionKeepsNone() async throws {
        try await withTemporaryDirectory { directory in
            let sink = try RotatingFileLogSink(
                directory: directory, fileName: "events", policy: LogRotationPolicy(maxFileBytes: 100))
            try await whileRunning(sink) {
                sink.write(fixedLine("first"))
                sink.write(fixedLine("second"))
                await sink.flush()
            }
            #expect(sink.currentPath == "\(directory)/events")
            let rotated = try #require(sink.rotatedFiles.first.map { ($0 as NSString).lastPathComponent })
            #expect(rotated.hasPrefix("events.") && rotated.hasSuffix(".000001") && rotated.count == 30)
        }
    }

    @Test func timeOfDayIsValidated() {
        #expect(LogRotationPolicy.TimeOfDay(hour: 24) == nil)
        #expect(LogRotationPolicy.TimeOfDay(hour: 3, minute: 60) == nil)
        #expect(LogRotationPolicy.TimeOfDay(hour: 3, minute: 5)?.description == "03:05")
    }
}
