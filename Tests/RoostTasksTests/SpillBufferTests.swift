import Foundation
import RoostTasks
import Testing

/// A fresh directory for one test's spill files, removed by `remove()`.
private struct ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-spill-test-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

private struct Event: Codable, Sendable, Equatable {
    var id: Int
    var name: String
}

@Suite struct SpillBufferTests {
    @Test func keepsFIFOOrderAcrossMemoryAndDisk() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Event>(memoryLimit: 10, segmentCapacity: 7, directory: scratch.path)
        for id in 0..<100 { try buffer.append(Event(id: id, name: "e\(id)")) }
        #expect(buffer.count == 100)
        #expect(buffer.spilledCount == 90)
        #expect(scratch.files.count == 13)  // 90 spilled items in segments of 7
        var out: [Int] = []
        while let event = try buffer.popFirst() { out.append(event.id) }
        #expect(out == Array(0..<100))
        #expect(buffer.count == 0)
        #expect(scratch.files.isEmpty)
    }

    @Test func interleavedAppendsAndPopsStayInOrder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Int>(memoryLimit: 3, directory: scratch.path)
        var next = 0
        var expected = 0
        for round in 0..<200 {
            for _ in 0..<(round % 5) {
                try buffer.append(next)
                next += 1
            }
            for _ in 0..<(round % 4) {
                guard let item = try buffer.popFirst() else { break }
                #expect(item == expected)
                expected += 1
            }
        }
        while let item = try buffer.popFirst() {
            #expect(item == expected)
            expected += 1
        }
        #expect(expected == next)
        #expect(scratch.files.isEmpty)
    }

    @Test func closeRemovesFilesAndRefusesUse() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Int>(memoryLimit: 2, directory: scratch.path)
        for item in 0..<10 { try buffer.append(item) }
        #expect(!scratch.files.isEmpty)
        try buffer.close()
        #expect(scratch.files.isEmpty)
        let error = try #require(throws: SpillBufferError.self) { try buffer.append(1) }
        #expect(error.code == "tasks.spill.closed")
        #expect(throws: SpillBufferError.self) { try buffer.popFirst() }
        try buffer.close()
    }

    @Test func releasingTheBufferRemovesItsFiles() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        do {
            let buffer = SpillBuffer<Int>(memoryLimit: 1, directory: scratch.path)
            for item in 0..<5 { try buffer.append(item) }
            #expect(scratch.files.count == 4)
        }
        #expect(scratch.files.isEmpty)
    }

    @Test func corruptSegmentIsReportedWithFileAndLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Event>(memoryLimit: 1, segmentCapacity: 3, directory: scratch.path)
        for id in 0..<7 { try buffer.append(Event(id: id, name: "x")) }
        let segments = buffer.segmentPaths
        #expect(segments.count == 2)
        var lines = try String(contentsOfFile: segments[0], encoding: .utf8).split(separator: "\n")
        lines[1] = "{\"id\": \"two\"}"
        try (lines.joined(separator: "\n") + "\n").write(toFile: segments[0], atomically: false, encoding: .utf8)

        #expect(try buffer.popFirst()?.id == 0)
        let error = try #require(throws: SpillBufferError.self) { try buffer.popFirst() }
        guard case .corruptSegment(let path, let line) = error.reason else {
            Issue.record("unexpected reason \(error.reason)")
            return
        }
        #expect(path == segments[0])
        #expect(line == 2)
        #expect(error.code == "tasks.spill.corrupt_segment")
        #expect(error.underlying is DecodingError)
        // The damaged segment is dropped; the next one still reads back.
        #expect(try buffer.popFirst()?.id == 4)
    }

    @Test func truncatedOrMissingSegmentIsReported() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Int>(memoryLimit: 1, segmentCapacity: 2, directory: scratch.path)
        for item in 0..<5 { try buffer.append(item) }
        let segments = buffer.segmentPaths
        try "1\n".write(toFile: segments[0], atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: segments[1])

        #expect(try buffer.popFirst() == 0)
        let truncated = try #require(throws: SpillBufferError.self) { try buffer.popFirst() }
        #expect(truncated.code == "tasks.spill.missing_items")
        let missing = try #require(throws: SpillBufferError.self) { try buffer.popFirst() }
        guard case .missingItems(_, let expected, let found) = missing.reason else {
            Issue.record("unexpected reason \(missing.reason)")
            return
        }
        #expect(expected == 2 && found == 0)
        #expect(try buffer.popFirst() == nil)
    }

    @Test func missingDirectoryIsAFileSystemError() throws {
        let buffer = SpillBuffer<Int>(memoryLimit: 1, directory: "/nonexistent/roost-\(UUID())")
        try buffer.append(1)
        let error = try #require(throws: SpillBufferError.self) { try buffer.append(2) }
        #expect(error.code == "tasks.spill.file_system")
        #expect(try buffer.popFirst() == 1)
    }

    @Test func unencodableItemIsAnEncodingError() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let buffer = SpillBuffer<Double>(memoryLimit: 1, directory: scratch.path)
        try buffer.append(1)
        let error = try #require(throws: SpillBufferError.self) { try buffer.append(.nan) }
        #expect(error.code == "tasks.spill.encoding")
        #expect(buffer.count == 1)
    }
}
