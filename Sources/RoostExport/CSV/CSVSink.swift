import Foundation

/// Where a ``CSVWriter`` sends its bytes: memory, a file, a network body.
///
/// ```swift
/// struct CountingSink: CSVSink {
///     var total = 0
///     mutating func write(_ bytes: [UInt8]) throws { total += bytes.count }
/// }
/// ```
public protocol CSVSink {
    /// Accepts the next chunk of output. Throwing stops the writer.
    mutating func write(_ bytes: [UInt8]) throws
}

/// A sink that keeps everything written in memory.
public struct InMemoryCSVSink: CSVSink, Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty sink.
    public init() {}

    /// Appends `bytes`.
    public mutating func write(_ bytes: [UInt8]) { self.bytes.append(contentsOf: bytes) }

    /// The bytes written so far, decoded as UTF-8 (the byte-order mark, if any, is kept).
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A sink that writes to an open file handle, such as a file or standard output.
///
/// ```swift
/// FileManager.default.createFile(atPath: path, contents: nil)
/// var writer = CSVWriter(sink: FileHandleCSVSink(try FileHandle(forWritingTo: URL(filePath: path))))
/// ```
public struct FileHandleCSVSink: CSVSink {
    /// The handle written to; the caller closes it.
    public let handle: FileHandle

    /// Creates a sink over `handle`.
    public init(_ handle: FileHandle) { self.handle = handle }

    /// Writes `bytes` to the handle.
    public func write(_ bytes: [UInt8]) throws { try handle.write(contentsOf: bytes) }
}
