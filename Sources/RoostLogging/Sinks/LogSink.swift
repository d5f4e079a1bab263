/// Where formatted log lines go: a terminal, a pipe, a file, memory.
///
/// Handlers call ``write(_:)`` with one complete line, trailing newline included; a sink
/// must keep lines from different threads from interleaving.
///
/// ```swift
/// struct DiscardingSink: LogSink {
///     func write(_ line: [UInt8]) {}
/// }
/// ```
public protocol LogSink: Sendable {
    /// Writes one complete line (ending in `\n`).
    func write(_ line: [UInt8])

    /// Whether the sink is an interactive terminal, where colors make sense.
    var isTerminal: Bool { get }
}

extension LogSink {
    /// Not a terminal unless the sink says so.
    public var isTerminal: Bool { false }
}
