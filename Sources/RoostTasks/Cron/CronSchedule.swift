import Foundation

/// A parsed cron expression that computes the wall-clock times it fires at, in any time zone.
///
/// Accepted syntax:
/// - 5 fields `minute hour day-of-month month day-of-week`, or 6 fields with a leading
///   `second` field.
/// - In every field: `*`, numbers, lists `a,b`, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n`
///   (from `a` to the field's end). Months accept `JAN`-`DEC`, weekdays `SUN`-`SAT`
///   (case-insensitive); weekday `0` and `7` are both Sunday.
/// - Day of month: `L` (last day), `L-n` (n days before the last), `nW` (the weekday nearest
///   day n, staying in the month), `LW` (the last weekday). `?` means the same as `*`.
/// - Day of week: `nL` (the last weekday n of the month, `5L` is the last Friday) and `d#k`
///   (the k-th weekday d, `MON#2` is the second Monday). `?` means the same as `*`.
/// - Macros: `@yearly` and `@annually` (`0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly`
///   (`0 0 * * 0`), `@daily` and `@midnight` (`0 0 * * *`), `@hourly` (`0 * * * *`).
///
/// **Day-of-month and day-of-week** follow Vixie cron: when both fields are restricted (neither
/// starts with `*` or `?`), a day matches if it matches *either* field; when one starts with
/// `*` or `?`, a day must match both. `0 0 13 * FRI` fires on every 13th and on every Friday;
/// `0 0 */2 * MON` fires on Mondays that fall on odd days.
///
/// **Daylight-saving changes.** Times are wall-clock times in the time zone you pass.
/// Like Vixie cron, a schedule whose minute and hour fields both name fixed values (such
/// as `30 2 * * *`) is a *fixed-time* job, any other (such as `*/15 * * * *` or
/// `0 * * * *`) is an *interval* job:
/// - A wall time that is skipped when clocks go forward fires a fixed-time job once, at the
///   first valid instant after the gap (03:00 for 02:30 in New York); an interval job simply
///   has no run in the gap.
/// - A wall time that happens twice when clocks go back fires a fixed-time job once, at its
///   first occurrence; an interval job fires at both occurrences, so it keeps its rhythm.
///
/// A schedule that can never fire (such as `0 0 30 2 *`) returns nil from ``next(after:in:)``
/// after a bounded search of one 400-year Gregorian cycle.
///
/// ```swift
/// let schedule = try CronSchedule("0 9 * * MON-FRI")
/// let berlin = TimeZone(identifier: "Europe/Berlin")!
/// let upcoming = schedule.nextDates(count: 3, after: .now, in: berlin)
/// ```
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as it was given.
    public let expression: String

    var seconds: UInt64 = 0
    var minutes: UInt64 = 0
    var hours: UInt64 = 0
    /// Plain days of month, bit d for day d.
    var daysOfMonth: UInt64 = 0
    /// `L-n` offsets, bit n (bit 0 for plain `L`).
    var lastDayOffsets: UInt64 = 0
    /// `nW` targets, bit n.
    var nearestWeekdays: UInt64 = 0
    /// `LW`.
    var lastWeekdayOfMonth = false
    /// Months, bit m for month m (1-12).
    var months: UInt64 = 0
    /// Plain weekdays, bit w (0 = Sunday).
    var weekdays: UInt64 = 0
    /// `wL`, bit w.
    var lastWeekdays: UInt64 = 0
    /// `w#k`, bit w * 5 + (k - 1).
    var nthWeekdays: UInt64 = 0
    var dayOfMonthIsWildcard = true
    var dayOfWeekIsWildcard = true
    /// Minute or hour starts with `*`: an interval job for daylight-saving purposes.
    var isIntervalJob = false

    /// Parses a cron expression.
    ///
    /// ```swift
    /// let everyQuarterHour = try CronSchedule("*/15 * * * *")
    /// let lastFridayAtSix = try CronSchedule("0 18 * * 5L")
    /// let withSeconds = try CronSchedule("30 0 12 * * *")   // 12:00:30 every day
    /// ```
    ///
    /// - Throws: ``CronParseError`` naming the field, the bad token and what is allowed.
    public init(_ expression: String) throws(CronParseError) {
        self.expression = expression
        try parse()
    }

    /// The expression as it was given.
    public var description: String { expression }

    /// The first time after `date` (strictly later) at which the schedule fires, as a
    /// wall-clock time in `timeZone`, or nil if it never fires again.
    ///
    /// Fire times are whole seconds. See the type's documentation for the rule on
    /// daylight-saving changes.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        let zone = ZoneOffsets(timeZone)
        let after = Int64(date.timeIntervalSince1970.rounded(.down))
        // Local times can repeat when clocks go back; start from the lower offset so that a
        // second occurrence still ahead of `date` is not missed.
        let offset = min(zone.offset(at: after), zone.offset(at: after + 86_400))
        var localStart = after + 1 + Int64(offset)
        let limitYear = CivilTime(localSeconds: localStart).year + 400
        while let local = firstMatch(atOrAfter: localStart, limitYear: limitYear) {
            if let found = resolve(local, after: after, zone: zone) {
                var instant = found.instant
                if found.isSecondOccurrence {
                    // Local order is not instant order inside a repeated hour: a later wall time
                    // may still have a first occurrence before this second one.
                    var probe = local + 1
                    while let other = firstMatch(atOrAfter: probe, limitYear: limitYear),
                        other <= local + found.repeatedSpan
                    {
                        if let earlier = resolve(other, after: after, zone: zone), earlier.instant < instant {
                            instant = earlier.instant
                        }
                        probe = other + 1
                    }
                }
                return Date(timeIntervalSince1970: TimeInterval(instant))
            }
            localStart = local + 1
        }
        return nil
    }

    /// The next `count` fire times after `date`, in order; fewer if the schedule ends.
    ///
    /// ```swift
    /// let nextThree = try CronSchedule("@daily").nextDates(count: 3, after: .now, in: .current)
    /// ```
    public func nextDates(count: Int, after date: Date, in timeZone: TimeZone) -> [Date] {
        var dates: [Date] = []
        dates.reserveCapacity(max(count, 0))
        var cursor = date
        while dates.count < count, let next = next(after: cursor, in: timeZone) {
            dates.append(next)
            cursor = next
        }
        return dates
    }

    /// Turns a matching local wall time into the instant it fires at, or nil when it does
    /// not fire (see the daylight-saving rule). `isSecondOccurrence` marks the later of two
    /// instants of a repeated wall time; `repeatedSpan` is the length of the repetition.
    private func resolve(
        _ local: Int64, after: Int64, zone: ZoneOffsets
    ) -> (instant: Int64, isSecondOccurrence: Bool, repeatedSpan: Int64)? {
        let before = zone.offset(at: local - 86_400)
        let later = zone.offset(at: local + 86_400)
        var instants: [Int64] = []
        for offset in before == later ? [before] : [max(before, later), min(before, later)] {
            let instant = local - Int64(offset)
            if zone.offset(at: instant) == offset { instants.append(instant) }
        }
        if instants.isEmpty {
            // The wall time falls into a gap: clocks went forward over it.
            guard !isIntervalJob else { return nil }
            let end = zone.firstInstant(after: local, from: local - Int64(max(before, later)),
                                        to: local - Int64(min(before, later)))
            return end > after ? (end, false, 0) : nil
        }
        let span = Int64(abs(before - later))
        if instants[0] > after { return (instants[0], false, span) }
        if isIntervalJob, instants.count == 2, instants[1] > after { return (instants[1], true, span) }
        return nil
    }
}

/// Offsets from UTC of one time zone, in seconds.
struct ZoneOffsets {
    let timeZone: TimeZone

    init(_ timeZone: TimeZone) { self.timeZone = timeZone }

    func offset(at instant: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// The first instant in `(lower, upper]` whose local wall time is later than `local`:
    /// the end of a gap that skipped `local`.
    func firstInstant(after local: Int64, from lower: Int64, to upper: Int64) -> Int64 {
        var low = lower
        var high = upper
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + Int64(offset(at: middle)) > local { high = middle } else { low = middle }
        }
        return high
    }
}
