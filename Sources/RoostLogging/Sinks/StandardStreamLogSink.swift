#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A sink that writes to the process's standard output or standard error.
///
/// Each line is written with as few `write(2)` calls as the system allows, under a lock
/// shared by all sinks on the same stream, so concurrent loggers never interleave within
/// a line.
///
/// ```swift
/// let handler = JSONLogHandler(label: "api", sink: StandardStreamLogSink.standardOutput)
/// ```
public struct StandardStreamLogSink: LogSink {
    /// The process's standard output.
    public static let standardOutput = StandardStreamLogSink(fileDescriptor: 1)
    /// The process's standard error.
    public static let standardError = StandardStreamLogSink(fileDescriptor: 2)

    private static let outputLock = Mutex<Void>(())
    private static let errorLock = Mutex<Void>(())

    private let fileDescriptor: Int32

    private init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    /// Whether the stream is connected to a terminal.
    public var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    /// Writes the line, retrying after interruptions and partial writes. A stream that
    /// cannot be written (closed pipe, full disk) drops the line: there is nowhere left
    /// to report the failure.
    public func write(_ line: [UInt8]) {
        if fileDescriptor == 1 {
            Self.outputLock.withLock { _ in writeAll(line) }
        } else {
            Self.errorLock.withLock { _ in writeAll(line) }
        }
    }

    private func writeAll(_ line: [UInt8]) {
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let written = Darwin.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
