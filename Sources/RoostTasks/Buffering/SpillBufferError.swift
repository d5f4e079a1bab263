import RoostCore

/// Why a ``SpillBuffer`` failed.
public struct SpillBufferError: RoostError {
    /// The kinds of failure.
    public enum Reason: Sendable {
        /// The buffer was closed; it accepts and returns nothing more.
        case closed
        /// A segment file could not be created, written, read or removed.
        case fileSystem(path: String)
        /// An item could not be encoded for the disk.
        case encoding
        /// A segment file holds a line that is not a valid item (the file was changed or
        /// truncated by something else).
        case corruptSegment(path: String, line: Int)
        /// A segment file is missing or shorter than the items written to it.
        case missingItems(path: String, expected: Int, found: Int)
    }

    /// What went wrong.
    public let reason: Reason
    /// The error from the file system, encoder or decoder.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// `tasks.spill.closed`, `tasks.spill.file_system`, `tasks.spill.encoding`,
    /// `tasks.spill.corrupt_segment` or `tasks.spill.missing_items`.
    public var code: ErrorCode {
        switch reason {
        case .closed: "tasks.spill.closed"
        case .fileSystem: "tasks.spill.file_system"
        case .encoding: "tasks.spill.encoding"
        case .corruptSegment: "tasks.spill.corrupt_segment"
        case .missingItems: "tasks.spill.missing_items"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .closed:
            "The spill buffer is closed; create a new one."
        case .fileSystem(let path):
            "Could not use the spill file \(path); check that the directory exists, is writable and has free space."
        case .encoding:
            "An item could not be encoded as JSON for the spill file; make its Codable conformance total."
        case .corruptSegment(let path, let line):
            "Line \(line) of the spill file \(path) is not a valid item; something else changed the file. The items of that file are dropped."
        case .missingItems(let path, let expected, let found):
            "The spill file \(path) holds \(found) items instead of \(expected); something else truncated or removed it."
        }
    }
}
