import Foundation

/// Day, week and month boundaries of a date as seen in one time zone — for "today's
/// orders", weekly reports and monthly quotas — correct across daylight-saving changes.
///
/// Ranges are half-open: `upperBound` is the first instant of the next period, so a day
/// is 23 or 25 hours long when the clocks change.
///
/// ```swift
/// let shanghai = CalendarRanges(timeZone: TimeZone(identifier: "Asia/Shanghai")!, firstWeekday: .monday)
/// let today = shanghai.day(containing: .now)          // 00:00 today ..< 00:00 tomorrow
/// let week = shanghai.week(containing: .now)          // Monday 00:00 ..< next Monday
/// let month = shanghai.month(containing: .now)
/// ```
public struct CalendarRanges: Sendable, Hashable {
    /// A day of the week, numbered as `Calendar` numbers them (Sunday = 1).
    public enum Weekday: Int, Sendable, Hashable, CaseIterable {
        case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday
    }

    /// The zone whose wall clock defines the boundaries.
    public let timeZone: TimeZone
    /// The day weeks start on.
    public let firstWeekday: Weekday
    private let calendar: Calendar

    /// Creates ranges for `timeZone` with weeks starting on `firstWeekday` (Monday by default, ISO 8601).
    public init(timeZone: TimeZone, firstWeekday: Weekday = .monday) {
        self.timeZone = timeZone
        self.firstWeekday = firstWeekday
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = firstWeekday.rawValue
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
    }

    /// The first instant of the day containing `date`.
    public func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    /// The day containing `date`: its first instant up to the next day's first instant.
    public func day(containing date: Date) -> Range<Date> {
        let start = startOfDay(date)
        return start..<add(.day, 1, to: start)
    }

    /// The week containing `date`, starting on ``firstWeekday``.
    public func week(containing date: Date) -> Range<Date> {
        let dayStart = startOfDay(date)
        let weekday = calendar.component(.weekday, from: dayStart)
        let back = (weekday - firstWeekday.rawValue + 7) % 7
        let start = add(.day, -back, to: dayStart)
        return start..<add(.day, 7, to: start)
    }

    /// The calendar month containing `date`.
    public func month(containing date: Date) -> Range<Date> {
        let parts = calendar.dateComponents([.year, .month], from: date)
        let start = startOfDay(calendar.date(from: parts) ?? date)
        return start..<add(.month, 1, to: start)
    }

    /// The last whole second of the day containing `date` (23:59:59 local time), for
    /// APIs that want a closed range.
    public func endOfDay(_ date: Date) -> Date { day(containing: date).upperBound.addingTimeInterval(-1) }

    private func add(_ component: Calendar.Component, _ value: Int, to date: Date) -> Date {
        // Adding days or months to a local midnight lands on local midnight; if that
        // instant does not exist (a zone that skips midnight), take that day's start.
        let moved = calendar.date(byAdding: component, value: value, to: date) ?? date
        return calendar.startOfDay(for: moved)
    }
}
