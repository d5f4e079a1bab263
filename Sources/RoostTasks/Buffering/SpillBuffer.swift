import Foundation
import Synchronization

/// A first-in first-out buffer that keeps up to `memoryLimit` items in memory and spills
/// the rest to files on disk, for bursts larger than memory (the peers' `FileBuffer`).
///
/// Items come back in the order they were appended, whether they waited in memory or on
/// disk. Spilled items are written as JSON lines to segment files of `segmentCapacity`
/// items in `directory`; a segment is read back whole when the in-memory items run out,
/// and its file is removed as soon as it has been read. ``close()`` (or releasing the
/// buffer) removes any files left. A file changed or truncated by something else is
/// reported with ``SpillBufferError`` (`corruptSegment`, `missingItems`), naming the file
/// and line, instead of returning wrong items.
///
/// File work happens under the buffer's lock on the calling thread; from async code on a
/// busy server, call it inside ``offload(on:_:)`` when segments are large.
///
/// ```swift
/// let buffer = SpillBuffer<Event>(memoryLimit: 10_000, directory: "/var/spool/events")
/// try buffer.append(event)                 // never blocks on memory: overflow goes to disk
/// while let next = try buffer.popFirst() { try await upload(next) }
/// try buffer.close()
/// ```
public final class SpillBuffer<Element: Codable & Sendable>: Sendable {
    private struct State {
        var memory: [Element] = []
        var head = 0
        var disk: SpillSegments<Element>
        var isClosed = false

        var memoryCount: Int { memory.count - head }
    }

    /// The most items kept in memory.
    public let memoryLimit: Int
    /// The directory that holds the segment files.
    public let directory: String
    private let state: Mutex<State>

    /// Creates an empty buffer.
    ///
    /// - Parameters:
    ///   - memoryLimit: Items kept in memory before spilling; at least 1.
    ///   - segmentCapacity: Items per segment file (default: `memoryLimit`); at least 1.
    ///   - directory: Where segment files go (default: the temporary directory). It must exist.
    public init(memoryLimit: Int, segmentCapacity: Int? = nil, directory: String? = nil) {
        precondition(memoryLimit >= 1, "memoryLimit must be at least 1")
        let segmentCapacity = segmentCapacity ?? memoryLimit
        precondition(segmentCapacity >= 1, "segmentCapacity must be at least 1")
        self.memoryLimit = memoryLimit
        let directory = directory ?? FileManager.default.temporaryDirectory.path
        self.directory = directory
        state = Mutex(State(disk: SpillSegments(directory: directory, segmentCapacity: segmentCapacity)))
    }

    deinit {
        state.withLock { state in try? state.disk.removeAll() }
    }

    /// The number of items held, in memory and on disk.
    public var count: Int { state.withLock { $0.memoryCount + $0.disk.count } }

    /// The number of items on disk.
    public var spilledCount: Int { state.withLock { $0.disk.count } }

    /// The paths of the segment files on disk now, oldest first.
    public var segmentPaths: [String] { state.withLock { $0.disk.paths } }

    /// Appends `item` at the end: in memory while there is room and nothing is on disk,
    /// otherwise to the newest segment file.
    ///
    /// - Throws: ``SpillBufferError`` if the buffer is closed or the item cannot be encoded
    ///   or written.
    public func append(_ item: Element) throws(SpillBufferError) {
        try state.withLock { state throws(SpillBufferError) in
            guard !state.isClosed else { throw SpillBufferError(reason: .closed) }
            if state.disk.isEmpty && state.memoryCount < memoryLimit {
                state.memory.append(item)
            } else {
                try state.disk.append(item)
            }
        }
    }

    /// Removes and returns the oldest item; nil when the buffer is empty.
    ///
    /// - Throws: ``SpillBufferError`` if the buffer is closed, or the next segment file
    ///   cannot be read or is corrupt (its items are dropped; the following ones are still
    ///   returned by later calls).
    public func popFirst() throws(SpillBufferError) -> Element? {
        try state.withLock { state throws(SpillBufferError) -> Element? in
            guard !state.isClosed else { throw SpillBufferError(reason: .closed) }
            if state.memoryCount == 0 {
                guard !state.disk.isEmpty else { return nil }
                state.memory = try state.disk.takeOldest()
                state.head = 0
                if state.memory.isEmpty { return nil }
            }
            let item = state.memory[state.head]
            state.head += 1
            if state.head == state.memory.count {
                state.memory.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head > 1024 && state.head * 2 > state.memory.count {
                state.memory.removeFirst(state.head)
                state.head = 0
            }
            return item
        }
    }

    /// Drops every item, removes the segment files, and refuses further use.
    ///
    /// - Throws: ``SpillBufferError`` if a file could not be removed (the others still are).
    public func close() throws(SpillBufferError) {
        try state.withLock { state throws(SpillBufferError) in
            guard !state.isClosed else { return }
            state.isClosed = true
            state.memory = []
            state.head = 0
            try state.disk.removeAll()
        }
    }
}
