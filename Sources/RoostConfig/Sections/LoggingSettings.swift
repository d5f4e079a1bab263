import Configuration

/// How a program logs.
///
/// | key | flag | environment | default |
/// |---|---|---|---|
/// | `logging.format` | `--logging-format` | `ROOST_LOGGING_FORMAT` | `auto` (console on a terminal, JSON lines otherwise) |
/// | `logging.level` | `--logging-level` | `ROOST_LOGGING_LEVEL` | `info` |
/// | `logging.file.*` | | `ROOST_LOGGING_FILE_*` | no log file (see ``LogFileSettings``) |
public struct LoggingSettings: Sendable, Equatable {
    /// The output format.
    public enum Format: String, Sendable, CaseIterable {
        /// Console on a terminal, JSON lines otherwise.
        case auto
        /// Human-readable lines.
        case console
        /// One JSON object per line.
        case json
    }

    /// The output format.
    public var format: Format
    /// The most verbose level written: `trace`, `debug`, `info`, `notice`, `warning`,
    /// `error` or `critical`.
    public var level: String
    /// Rotated log files, when `logging.file.directory` is set.
    public var file: LogFileSettings?

    /// The level names accepted, most verbose first.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Creates settings directly.
    public init(format: Format = .auto, level: String = "info", file: LogFileSettings? = nil) {
        self.format = format
        self.level = level
        self.file = file
    }

    /// Every key this section reads.
    public static let keys = ["logging.format", "logging.level"] + LogFileSettings.keys

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        ["logging.format": format.rawValue, "logging.level": level].merging(file?.textValues ?? [:]) { $1 }
    }

    /// Reads and validates the `logging` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let text = ProblemCollector.text(config, "logging.format") {
            if let format = Format(rawValue: text.lowercased()) {
                self.format = format
            } else {
                problems.report("logging.format", text, expected: "one of auto, console, json")
            }
        }
        if let text = ProblemCollector.text(config, "logging.level") {
            if Self.levels.contains(text.lowercased()) {
                self.level = text.lowercased()
            } else {
                problems.report("logging.level", text, expected: "one of \(Self.levels.joined(separator: ", "))")
            }
        }
        file = LogFileSettings.read(config, into: &problems)
        try problems.throwIfAny()
    }
}
