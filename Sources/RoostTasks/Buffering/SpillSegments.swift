import Foundation

/// The on-disk part of a ``SpillBuffer``: files of JSON lines, oldest first, the newest one
/// open for appending.
struct SpillSegments<Element: Codable> {
    private struct Segment {
        var path: String
        var count: Int
    }

    private let directory: String
    private let prefix = "roost-spill-\(UUID().uuidString.lowercased())"
    private let segmentCapacity: Int
    private var segments: [Segment] = []
    private var writer: FileHandle?
    private var nextNumber = 0
    private(set) var count = 0

    init(directory: String, segmentCapacity: Int) {
        self.directory = directory
        self.segmentCapacity = segmentCapacity
    }

    var isEmpty: Bool { segments.isEmpty }

    /// Paths of the segment files, oldest first.
    var paths: [String] { segments.map(\.path) }

    /// Appends `element` to the newest segment, starting a new file when it is full.
    mutating func append(_ element: Element) throws(SpillBufferError) {
        var line: Data
        do {
            line = try JSONEncoder().encode(element)
        } catch {
            throw SpillBufferError(reason: .encoding, underlying: error)
        }
        line.append(0x0A)
        if writer == nil || segments[segments.count - 1].count >= segmentCapacity {
            try startSegment()
        }
        let path = segments[segments.count - 1].path
        do {
            try writer!.write(contentsOf: line)
        } catch {
            throw SpillBufferError(reason: .fileSystem(path: path), underlying: error)
        }
        segments[segments.count - 1].count += 1
        count += 1
    }

    /// Reads the oldest segment back and removes its file.
    mutating func takeOldest() throws(SpillBufferError) -> [Element] {
        let segment = segments.removeFirst()
        count -= segment.count
        if segments.isEmpty { try closeWriter(path: segment.path) }
        // Removal fails when the file is already gone (reported by the read below) or the
        // directory became read-only; the segment's outcome is reported either way, so a
        // leftover file is not raised as a second error.
        defer { try? FileManager.default.removeItem(atPath: segment.path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: segment.path))
        } catch {
            throw SpillBufferError(
                reason: .missingItems(path: segment.path, expected: segment.count, found: 0), underlying: error)
        }
        let decoder = JSONDecoder()
        var items: [Element] = []
        items.reserveCapacity(segment.count)
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: true).enumerated() {
            do {
                items.append(try decoder.decode(Element.self, from: line))
            } catch {
                throw SpillBufferError(reason: .corruptSegment(path: segment.path, line: number + 1), underlying: error)
            }
        }
        guard items.count == segment.count else {
            throw SpillBufferError(
                reason: .missingItems(path: segment.path, expected: segment.count, found: items.count))
        }
        return items
    }

    /// Closes the open file and removes every segment file.
    mutating func removeAll() throws(SpillBufferError) {
        let last = segments.last?.path ?? directory
        let paths = self.paths
        segments = []
        count = 0
        try closeWriter(path: last)
        var failure: SpillBufferError?
        for path in paths {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                failure = failure ?? SpillBufferError(reason: .fileSystem(path: path), underlying: error)
            }
        }
        if let failure { throw failure }
    }

    private mutating func startSegment() throws(SpillBufferError) {
        let previous = segments.last?.path ?? directory
        try closeWriter(path: previous)
        nextNumber += 1
        let path = (directory as NSString).appendingPathComponent("\(prefix)-\(nextNumber).jsonl")
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw SpillBufferError(reason: .fileSystem(path: path))
        }
        writer = handle
        segments.append(Segment(path: path, count: 0))
    }

    private mutating func closeWriter(path: String) throws(SpillBufferError) {
        guard let handle = writer else { return }
        writer = nil
        do {
            try handle.close()
        } catch {
            throw SpillBufferError(reason: .fileSystem(path: path), underlying: error)
        }
    }
}
