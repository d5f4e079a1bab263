import Configuration
import Foundation

/// Where log files go and when they rotate: the `logging.file` part of ``LoggingSettings``,
/// for RoostLogging's `RotatingFileLogSink`.
///
/// | key | environment | default |
/// |---|---|---|
/// | `logging.file.directory` | `ROOST_LOGGING_FILE_DIRECTORY` | unset: no log file |
/// | `logging.file.name` | `ROOST_LOGGING_FILE_NAME` | `roost.log` |
/// | `logging.file.maxBytes` | `ROOST_LOGGING_FILE_MAX_BYTES` | `104857600` (100 MiB; `0`: no size limit) |
/// | `logging.file.dailyAt` | `ROOST_LOGGING_FILE_DAILY_AT` | `off` (or a time such as `00:00`) |
/// | `logging.file.timeZone` | `ROOST_LOGGING_FILE_TIME_ZONE` | `UTC` |
/// | `logging.file.retainedFiles` | `ROOST_LOGGING_FILE_RETAINED_FILES` | `10` |
///
/// ```swift
/// if let file = try configuration.read(LoggingSettings.init).file {
///     let sink = try RotatingFileLogSink(
///         directory: file.directory, fileName: file.fileName,
///         policy: LogRotationPolicy(
///             maxFileBytes: file.maxFileBytes,
///             dailyAt: file.dailyAt.flatMap { .init(hour: $0.hour, minute: $0.minute) },
///             timeZone: file.timeZone, retainedFiles: file.retainedFiles))
/// }
/// ```
public struct LogFileSettings: Sendable, Equatable {
    /// A time of day, to the minute.
    public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
        /// The hour, 0…23.
        public var hour: Int
        /// The minute, 0…59.
        public var minute: Int

        /// Reads `HH:MM` (or `H:MM`); nil when malformed or out of range.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
            else { return nil }
            self.hour = hour
            self.minute = minute
        }

        /// `HH:MM`.
        public var description: String {
            (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
        }
    }

    /// The directory of the files.
    public var directory: String
    /// The current file's name; rotated files keep its stem and extension.
    public var fileName: String
    /// The size at which a new file starts; nil for no size limit.
    public var maxFileBytes: Int?
    /// The time of day at which a new file starts; nil for no time-based rotation.
    public var dailyAt: TimeOfDay?
    /// The time zone of ``dailyAt``.
    public var timeZone: TimeZone
    /// How many rotated files are kept besides the current one.
    public var retainedFiles: Int

    /// Creates settings directly.
    public init(
        directory: String, fileName: String = "roost.log", maxFileBytes: Int? = 100 << 20, dailyAt: TimeOfDay? = nil,
        timeZone: TimeZone = .gmt, retainedFiles: Int = 10
    ) {
        self.directory = directory
        self.fileName = fileName
        self.maxFileBytes = maxFileBytes
        self.dailyAt = dailyAt
        self.timeZone = timeZone
        self.retainedFiles = retainedFiles
    }

    /// Every key of the `logging.file` part.
    public static let keys = [
        "logging.file.directory", "logging.file.name", "logging.file.maxBytes", "logging.file.dailyAt",
        "logging.file.timeZone", "logging.file.retainedFiles",
    ]

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        [
            "logging.file.directory": directory, "logging.file.name": fileName,
            "logging.file.maxBytes": String(maxFileBytes ?? 0), "logging.file.dailyAt": dailyAt?.description ?? "off",
            "logging.file.timeZone": timeZone.identifier, "logging.file.retainedFiles": String(retainedFiles),
        ]
    }

    /// Reads the `logging.file` keys, adding what is wrong to `problems`; nil when no
    /// directory is set (a directory is required as soon as any other file key is set).
    static func read(_ config: ConfigReader, into problems: inout ProblemCollector) -> LogFileSettings? {
        var file = LogFileSettings(directory: "")
        var directory: String?
        if let text = ProblemCollector.text(config, "logging.file.directory") {
            if text.trimmingCharacters(in: .whitespaces).isEmpty
                || text.unicodeScalars.contains(where: { $0.value < 0x20 })
            {
                problems.report("logging.file.directory", text, expected: "a directory path, such as /var/log/shop")
            } else {
                directory = text
            }
        }
        if let name = problems.token(
            config, "logging.file.name", expected: "a file name without spaces or slashes, such as shop.log")
        {
            if name.contains("/") || name == "." || name == ".." {
                problems.report(
                    "logging.file.name", name, expected: "a file name without spaces or slashes, such as shop.log")
            } else {
                file.fileName = name
            }
        }
        if let bytes = problems.integer(config, "logging.file.maxBytes", in: 0...Int(Int32.max)) {
            file.maxFileBytes = bytes == 0 ? nil : bytes
        }
        if let text = ProblemCollector.text(config, "logging.file.dailyAt") {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if ["off", "none", ""].contains(trimmed.lowercased()) {
                file.dailyAt = nil
            } else if let time = TimeOfDay(trimmed) {
                file.dailyAt = time
            } else {
                problems.report("logging.file.dailyAt", text, expected: "a time of day as HH:MM, such as 00:00, or off")
            }
        }
        if let text = ProblemCollector.text(config, "logging.file.timeZone") {
            if let zone = TimeZone(identifier: text.trimmingCharacters(in: .whitespaces)) {
                file.timeZone = zone
            } else {
                problems.report("logging.file.timeZone", text, expected: "a time zone such as UTC or Europe/Berlin")
            }
        }
        if let count = problems.integer(config, "logging.file.retainedFiles", in: 0...10_000) {
            file.retainedFiles = count
        }

        guard let directory else {
            let others = keys.dropFirst().filter { ProblemCollector.text(config, $0) != nil }
            if !others.isEmpty, ProblemCollector.text(config, "logging.file.directory") == nil {
                problems.report(
                    "logging.file.directory", "",
                    expected: "a directory for the log files (also set: \(others.joined(separator: ", ")))")
            }
            return nil
        }
        file.directory = directory
        return file
    }
}
