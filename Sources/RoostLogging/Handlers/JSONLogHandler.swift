import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line, for log collectors
/// (Loki, Elasticsearch, CloudWatch, `jq`).
///
/// Each line holds, in this order: `timestamp` (ISO 8601, UTC, milliseconds), `level`,
/// `label`, `message`, then every metadata entry as its own key — nested dictionaries
/// flattened into dotted keys (`http.method`) — then `error` when the event carries one,
/// and optionally `source`, `file`, `function` and `line`. Metadata whose key collides
/// with one of those fields is written as `metadata.<key>`.
///
/// Metadata comes from, in increasing precedence: the handler, its metadata provider,
/// and the log call.
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     JSONLogHandler(label: label, sink: StandardStreamLogSink.standardOutput)
/// }
/// let logger = Logger(label: "api")
/// logger.info("request done", metadata: ["http": ["status": "\(200)"], "ms": "\(12)"])
/// // {"timestamp":"2026-11-21T12:06:27.123Z","level":"info","label":"api","message":"request done","http.status":200,"ms":12,"source":"API"}
/// ```
public struct JSONLogHandler: LogHandler {
    /// Which optional fields each line carries.
    public struct Fields: OptionSet, Sendable, Hashable {
        /// The raw value.
        public let rawValue: Int
        /// Creates a field set from its raw value.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The module that logged (`source`).
        public static let source = Fields(rawValue: 1 << 0)
        /// `file`, `function` and `line` of the log call.
        public static let location = Fields(rawValue: 1 << 1)
    }

    private static let reservedKeys: Set<String> = [
        "timestamp", "level", "label", "message", "error", "source", "file", "function", "line",
    ]

    /// The logger's label, written as `label`.
    public let label: String
    /// The most verbose level that is written.
    public var logLevel: Logger.Level
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// Supplies contextual metadata (request id, trace id) at each log call.
    public var metadataProvider: Logger.MetadataProvider?
    /// The optional fields written.
    public var fields: Fields

    private let sink: any LogSink
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - sink: Where lines go.
    ///   - logLevel: The most verbose level written (default `.info`).
    ///   - fields: Optional fields to include (default: `source`).
    ///   - metadataProvider: Contextual metadata, merged under the call's own.
    ///   - now: The time source for timestamps (inject a fixed one in tests).
    public init(
        label: String, sink: any LogSink, logLevel: Logger.Level = .info, fields: Fields = [.source],
        metadataProvider: Logger.MetadataProvider? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.sink = sink
        self.logLevel = logLevel
        self.fields = fields
        self.metadataProvider = metadataProvider
        self.now = now
    }

    /// Reads or writes one entry of the handler's metadata.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event as one JSON line and writes it to the sink.
    public func log(event: LogEvent) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: #"{"timestamp":""#.utf8)
        LogTimestamp.append(now(), to: &line)
        line.append(contentsOf: #"","level":""#.utf8)
        line.append(contentsOf: event.level.rawValue.utf8)
        line.append(contentsOf: #"","label":"#.utf8)
        JSONWriting.appendString(label, to: &line)
        line.append(contentsOf: #","message":"#.utf8)
        JSONWriting.appendString(event.message.description, to: &line)

        let merged = MetadataMerging.merge(handler: metadata, provider: metadataProvider, event: event.metadata)
        for (key, value) in JSONWriting.flatten(merged) {
            line.append(UInt8(ascii: ","))
            JSONWriting.appendString(Self.reservedKeys.contains(key) ? "metadata.\(key)" : key, to: &line)
            line.append(UInt8(ascii: ":"))
            JSONWriting.appendValue(value, to: &line)
        }
        if let error = event.error {
            line.append(contentsOf: #","error":"#.utf8)
            JSONWriting.appendString(String(describing: error), to: &line)
        }
        if fields.contains(.source) {
            line.append(contentsOf: #","source":"#.utf8)
            JSONWriting.appendString(event.source, to: &line)
        }
        if fields.contains(.location) {
            line.append(contentsOf: #","file":"#.utf8)
            JSONWriting.appendString(event.file, to: &line)
            line.append(contentsOf: #","function":"#.utf8)
            JSONWriting.appendString(event.function, to: &line)
            line.append(contentsOf: #","line":"#.utf8)
            line.append(contentsOf: String(event.line).utf8)
        }
        line.append(contentsOf: "}\n".utf8)
        sink.write(line)
    }
}

/// Combines the three metadata sources in swift-log's order of precedence.
enum MetadataMerging {
    static func merge(
        handler: Logger.Metadata, provider: Logger.MetadataProvider?, event: Logger.Metadata?
    ) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let event, !event.isEmpty {
            merged.merge(event) { _, new in new }
        }
        return merged
    }
}
