import Foundation
import Logging

/// A swift-log handler for people reading a terminal: one line per event,
///
/// ```text
/// 2026-11-21T12:06:27.123Z  info api: request done http.status=200 ms=12
/// ```
///
/// with the level colored when the sink is a terminal (or when forced). Metadata is
/// flattened into dotted `key=value` pairs sorted by key; values with spaces are quoted.
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     ConsoleLogHandler(label: label, sink: StandardStreamLogSink.standardError)
/// }
/// ```
public struct ConsoleLogHandler: LogHandler {
    /// When the level is colored with ANSI escape sequences.
    public enum ColorMode: Sendable, Hashable {
        /// Only when the sink is a terminal.
        case automatic
        /// Always.
        case always
        /// Never.
        case never
    }

    /// The logger's label.
    public let label: String
    /// The most verbose level that is written.
    public var logLevel: Logger.Level
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// Supplies contextual metadata at each log call.
    public var metadataProvider: Logger.MetadataProvider?

    private let sink: any LogSink
    private let useColor: Bool
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - sink: Where lines go.
    ///   - logLevel: The most verbose level written (default `.info`).
    ///   - colors: When to color the level (default: only on a terminal).
    ///   - metadataProvider: Contextual metadata, merged under the call's own.
    ///   - now: The time source for timestamps.
    public init(
        label: String, sink: any LogSink, logLevel: Logger.Level = .info, colors: ColorMode = .automatic,
        metadataProvider: Logger.MetadataProvider? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.sink = sink
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.now = now
        switch colors {
        case .automatic: self.useColor = sink.isTerminal
        case .always: self.useColor = true
        case .never: self.useColor = false
        }
    }

    /// Reads or writes one entry of the handler's metadata.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event as one line and writes it to the sink.
    public func log(event: LogEvent) {
        var line = LogTimestamp.string(now())
        line += " "
        let level = event.level.rawValue.leftPadded(to: 8)
        line += useColor ? "\(Self.color(for: event.level))\(level)\u{1B}[0m" : level
        line += " \(label): \(event.message)"
        let merged = MetadataMerging.merge(handler: metadata, provider: metadataProvider, event: event.metadata)
        for (key, value) in JSONWriting.flatten(merged) {
            line += " \(key)=\(Self.quotedIfNeeded(Self.render(value)))"
        }
        if let error = event.error {
            line += " error=\(Self.quotedIfNeeded(String(describing: error)))"
        }
        line += "\n"
        sink.write(Array(line.utf8))
    }

    /// The ANSI color of each level.
    static func color(for level: Logger.Level) -> String {
        switch level {
        case .trace: "\u{1B}[90m"
        case .debug: "\u{1B}[36m"
        case .info: "\u{1B}[32m"
        case .notice: "\u{1B}[34m"
        case .warning: "\u{1B}[33m"
        case .error: "\u{1B}[31m"
        case .critical: "\u{1B}[1;31m"
        }
    }

    private static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary:
            {
                var bytes: [UInt8] = []
                JSONWriting.appendValue(value, to: &bytes)
                return String(decoding: bytes, as: UTF8.self)
            }()
        }
    }

    private static func quotedIfNeeded(_ text: String) -> String {
        guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0.isNewline }) else { return text }
        var bytes: [UInt8] = []
        JSONWriting.appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
