import Foundation

/// Parses and formats dates with common patterns in a chosen time zone.
///
/// ```swift
/// let beijing = TimeZone(identifier: "Asia/Shanghai")!
/// let date = try DateText.parse("2024-05-01 08:30:00", pattern: .dateTime, timeZone: beijing)
/// DateText.format(date, pattern: .iso8601, timeZone: beijing)   // "2024-05-01T08:30:00+08:00"
/// DateText.format(date, pattern: .dateTime, timeZone: .gmt)     // "2024-05-01 00:30:00"
/// ```
///
/// Parsing is strict: text must match the whole pattern and name a real local time (a
/// time skipped by a daylight-saving change is an error).
public enum DateText {
    /// A date pattern.
    public struct Pattern: Sendable, Hashable {
        /// The Unicode (ICU) pattern, or `nil` for ISO 8601.
        let format: String?
        let fractionalSeconds: Bool

        /// ISO 8601 / RFC 3339 with offset: `2024-05-01T08:30:00+08:00`; parsing also
        /// accepts `Z` and fractional seconds.
        public static let iso8601 = Pattern(format: nil, fractionalSeconds: false)
        /// ISO 8601 with milliseconds: `2024-05-01T08:30:00.250+08:00`.
        public static let iso8601Milliseconds = Pattern(format: nil, fractionalSeconds: true)
        /// `yyyy-MM-dd HH:mm:ss`.
        public static let dateTime = Pattern.custom("yyyy-MM-dd HH:mm:ss")
        /// `yyyy-MM-dd`.
        public static let date = Pattern.custom("yyyy-MM-dd")
        /// `yyyyMMddHHmmss`, common in order numbers and file names.
        public static let compact = Pattern.custom("yyyyMMddHHmmss")

        /// Any Unicode date pattern, such as `dd/MM/yyyy HH:mm`.
        public static func custom(_ format: String) -> Pattern { Pattern(format: format, fractionalSeconds: false) }

        /// The pattern text, for messages.
        public var description: String { format ?? (fractionalSeconds ? "ISO 8601 with milliseconds" : "ISO 8601") }
    }

    /// `date` in `pattern` as seen in `timeZone`.
    public static func format(_ date: Date, pattern: Pattern, timeZone: TimeZone) -> String {
        guard let format = pattern.format else {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = timeZone
            formatter.formatOptions =
                pattern.fractionalSeconds ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
            return formatter.string(from: date)
        }
        return formatter(format, timeZone).string(from: date)
    }

    /// The instant `text` names, read in `pattern` as a wall-clock time in `timeZone`
    /// (ISO 8601 text carries its own offset, which wins).
    ///
    /// - Throws: ``DateParseError`` when the text does not match or names no real time.
    public static func parse(_ text: String, pattern: Pattern, timeZone: TimeZone) throws(DateParseError) -> Date {
        guard let format = pattern.format else {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = timeZone
            for options: ISO8601DateFormatter.Options in [
                [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
            ] {
                formatter.formatOptions = options
                if let date = formatter.date(from: text) { return date }
            }
            throw DateParseError(text: text, pattern: pattern.description)
        }
        let parser = formatter(format, timeZone)
        // Round-tripping rejects lenient matches and wall times skipped by a DST change.
        guard let date = parser.date(from: text), parser.string(from: date) == text else {
            throw DateParseError(text: text, pattern: format)
        }
        return date
    }

    private static func formatter(_ format: String, _ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        formatter.isLenient = false
        return formatter
    }
}

/// Thrown when text does not match a date pattern.
public struct DateParseError: RoostError, Equatable {
    /// The text that failed.
    public let text: String
    /// The pattern it was read with.
    public let pattern: String
    /// Creates the error.
    public init(text: String, pattern: String) {
        self.text = text
        self.pattern = pattern
    }
    /// `time.parse.invalid`.
    public var code: ErrorCode { "time.parse.invalid" }
    /// What was expected.
    public var message: String {
        "\"\(text)\" is not a date in the form \(pattern), or names a local time that does not exist in that time zone."
    }
}
