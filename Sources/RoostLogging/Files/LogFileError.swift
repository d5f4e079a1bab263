import RoostCore

/// Why a log file could not be opened, written, rotated or pruned.
public struct LogFileError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The directory for the log files could not be created.
        case cannotCreateDirectory(path: String)
        /// The file could not be opened for appending; `errno` says why.
        case cannotOpen(path: String, errno: Int32)
        /// Writing to the file failed (disk full, quota, I/O error).
        case writeFailed(path: String, errno: Int32)
        /// The current file could not be renamed to its rotated name.
        case cannotRotate(path: String, errno: Int32)
        /// An old file could not be deleted by the retention rule.
        case cannotDelete(path: String, errno: Int32)
    }

    /// What went wrong.
    public let reason: Reason
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `logging.file.`.
    public var code: ErrorCode {
        switch reason {
        case .cannotCreateDirectory: "logging.file.directory"
        case .cannotOpen: "logging.file.open"
        case .writeFailed: "logging.file.write"
        case .cannotRotate: "logging.file.rotate"
        case .cannotDelete: "logging.file.delete"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .cannotCreateDirectory(let path):
            "The log directory \(path) could not be created; check the path and the process's permissions."
        case .cannotOpen(let path, let errno):
            "The log file \(path) could not be opened for appending (errno \(errno)); check permissions and free space."
        case .writeFailed(let path, let errno):
            "Writing to the log file \(path) failed (errno \(errno)); lines were lost. Free disk space or fix the device."
        case .cannotRotate(let path, let errno):
            "The log file \(path) could not be renamed for rotation (errno \(errno)); check directory permissions."
        case .cannotDelete(let path, let errno):
            "The old log file \(path) could not be deleted (errno \(errno)); check directory permissions."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: LogFileError, rhs: LogFileError) -> Bool { lhs.reason == rhs.reason }
}
