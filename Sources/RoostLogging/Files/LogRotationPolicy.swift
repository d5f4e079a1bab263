import Foundation

/// When a ``RotatingFileLogSink`` starts a new file and how many old ones it keeps.
///
/// A file is rotated when the next line would take it past ``maxFileBytes`` (a single
/// line longer than that gets a file of its own), and when the wall clock passes
/// ``dailyAt`` in ``timeZone``. Either trigger may be switched off with `nil`.
///
/// ```swift
/// // 50 MiB files, a new file every midnight UTC, the last 14 rotated files kept.
/// let policy = LogRotationPolicy(maxFileBytes: 50 << 20, dailyAt: .midnight, retainedFiles: 14)
/// ```
public struct LogRotationPolicy: Sendable, Hashable {
    /// A time of day, to the minute.
    public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
        /// The hour, 0…23.
        public let hour: Int
        /// The minute, 0…59.
        public let minute: Int

        /// Creates a time of day; returns `nil` when the hour or minute is out of range.
        public init?(hour: Int, minute: Int = 0) {
            guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
            self.hour = hour
            self.minute = minute
        }

        /// 00:00.
        public static let midnight = TimeOfDay(hour: 0)!

        /// `HH:MM`.
        public var description: String {
            (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
        }
    }

    /// The largest size a file grows to before the next one starts; `nil` for no limit.
    public var maxFileBytes: Int?
    /// The time of day a new file starts; `nil` for no time-based rotation.
    public var dailyAt: TimeOfDay?
    /// The time zone of ``dailyAt``.
    public var timeZone: TimeZone
    /// How many rotated files are kept besides the current one; older ones are deleted.
    public var retainedFiles: Int

    /// Creates a policy (by default: 100 MiB files, no time rotation, 10 old files kept).
    public init(
        maxFileBytes: Int? = 100 << 20, dailyAt: TimeOfDay? = nil, timeZone: TimeZone = .gmt,
        retainedFiles: Int = 10
    ) {
        self.maxFileBytes = maxFileBytes.map { max(1, $0) }
        self.dailyAt = dailyAt
        self.timeZone = timeZone
        self.retainedFiles = max(0, retainedFiles)
    }

    /// The first moment strictly after `date` at which the time-of-day rotation is due,
    /// or `nil` when there is none.
    func nextDailyRotation(after date: Date) -> Date? {
        guard let dailyAt else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.nextDate(
            after: date, matching: DateComponents(hour: dailyAt.hour, minute: dailyAt.minute, second: 0),
            matchingPolicy: .nextTime)
    }
}
