import Synchronization

/// A sink that keeps every line in memory, for tests and diagnostics.
///
/// ```swift
/// let sink = InMemoryLogSink()
/// var logger = Logger(label: "test") { JSONLogHandler(label: $0, sink: sink) }
/// logger.info("hello")
/// sink.lines // ["{\"timestamp\":…,\"message\":\"hello\"}"]
/// ```
public final class InMemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])
    private let terminal: Bool

    /// Creates an empty sink; `isTerminal` lets tests exercise color output.
    public init(isTerminal: Bool = false) { self.terminal = isTerminal }

    /// Whether the sink claims to be a terminal.
    public var isTerminal: Bool { terminal }

    /// Appends the line, without its trailing newline.
    public func write(_ line: [UInt8]) {
        let text = String(decoding: line.last == 0x0A ? line.dropLast() : line[...], as: UTF8.self)
        storage.withLock { $0.append(text) }
    }

    /// Every line written so far, without trailing newlines.
    public var lines: [String] { storage.withLock { $0 } }

    /// Forgets every line.
    public func removeAll() { storage.withLock { $0.removeAll() } }
}
