import Foundation
import RoostTasks
import Testing

/// Parses an ISO 8601 timestamp with an explicit offset.
func date(_ text: String) -> Date {
    // Force-try is fine: every literal in these tests is well-formed.
    try! Date(text, strategy: .iso8601)
}

let utc = TimeZone(identifier: "UTC")!
let newYork = TimeZone(identifier: "America/New_York")!
let berlin = TimeZone(identifier: "Europe/Berlin")!

/// The next `count` fire times of `expression` after `start`.
func fireTimes(_ expression: String, after start: String, count: Int, in zone: TimeZone = utc) throws -> [Date] {
    try CronSchedule(expression).nextDates(count: count, after: date(start), in: zone)
}

@Suite struct CronScheduleTests {
    @Test func stepsRangesAndLists() throws {
        #expect(try fireTimes("*/15 * * * *", after: "2024-05-01T10:07:00Z", count: 4) == [
            date("2024-05-01T10:15:00Z"), date("2024-05-01T10:30:00Z"),
            date("2024-05-01T10:45:00Z"), date("2024-05-01T11:00:00Z"),
        ])
        #expect(try fireTimes("10-50/20 8,20 * * *", after: "2024-05-01T08:30:00Z", count: 4) == [
            date("2024-05-01T08:50:00Z"), date("2024-05-01T20:10:00Z"),
            date("2024-05-01T20:30:00Z"), date("2024-05-01T20:50:00Z"),
        ])
        #expect(try fireTimes("0 23/2 * * *", after: "2024-05-01T00:00:00Z", count: 2) == [
            date("2024-05-01T23:00:00Z"), date("2024-05-02T23:00:00Z"),
        ])
    }

    @Test func namesAreCaseInsensitiveAndSundayIsZeroOrSeven() throws {
        #expect(try fireTimes("0 0 1 jan,Jul *", after: "2024-02-01T00:00:00Z", count: 2) == [
            date("2024-07-01T00:00:00Z"), date("2025-01-01T00:00:00Z"),
        ])
        // 2024-05-03 is a Friday.
        #expect(try fireTimes("0 9 * * MON-FRI", after: "2024-05-03T10:00:00Z", count: 2) == [
            date("2024-05-06T09:00:00Z"), date("2024-05-07T09:00:00Z"),
        ])
        let sundays = try fireTimes("0 12 * * 0", after: "2024-05-01T00:00:00Z", count: 3)
        #expect(try fireTimes("0 12 * * 7", after: "2024-05-01T00:00:00Z", count: 3) == sundays)
        #expect(try fireTimes("0 12 * * sun", after: "2024-05-01T00:00:00Z", count: 3) == sundays)
        #expect(sundays.first == date("2024-05-05T12:00:00Z"))
        #expect(try fireTimes("0 12 * * 5-7", after: "2024-05-04T13:00:00Z", count: 2) == [
            date("2024-05-05T12:00:00Z"), date("2024-05-10T12:00:00Z"),
        ])
    }

    @Test func sixFieldsHaveLeadingSeconds() throws {
        #expect(try fireTimes("30 0 12 * * *", after: "2024-05-01T12:00:30Z", count: 2) == [
            date("2024-05-02T12:00:30Z"), date("2024-05-03T12:00:30Z"),
        ])
        #expect(try fireTimes("*/20 * * * * *", after: "2024-05-01T12:00:50Z", count: 3) == [
            date("2024-05-01T12:01:00Z"), date("2024-05-01T12:01:20Z"), date("2024-05-01T12:01:40Z"),
        ])
    }

    @Test func nextIsStrictlyAfterAndWholeSeconds() throws {
        let everySecond = try CronSchedule("* * * * * *")
        let start = date("2024-05-01T12:00:00Z")
        #expect(everySecond.next(after: start.addingTimeInterval(0.5), in: utc) == start.addingTimeInterval(1))
        #expect(everySecond.next(after: start, in: utc) == start.addingTimeInterval(1))
        let hourly = try CronSchedule("@hourly")
        #expect(hourly.next(after: start, in: utc) == date("2024-05-01T13:00:00Z"))
        #expect(hourly.nextDates(count: 0, after: start, in: utc).isEmpty)
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"),
    ])
    func macrosExpand(macro: String, expanded: String) throws {
        let start = "2023-12-30T15:17:00Z"
        let times = try fireTimes(macro, after: start, count: 5)
        #expect(times.count == 5)
        #expect(times == (try fireTimes(expanded, after: start, count: 5)))
    }

    @Test func leapDayOnlyInLeapYears() throws {
        #expect(try fireTimes("0 0 29 2 *", after: "2023-03-01T00:00:00Z", count: 2) == [
            date("2024-02-29T00:00:00Z"), date("2028-02-29T00:00:00Z"),
        ])
        // 2100 is not a leap year.
        #expect(try fireTimes("0 0 29 2 *", after: "2097-01-01T00:00:00Z", count: 1) == [date("2104-02-29T00:00:00Z")])
        #expect(try fireTimes("0 0 29 2 *", after: "2399-01-01T00:00:00Z", count: 1) == [date("2400-02-29T00:00:00Z")])
    }

    @Test func lastDayOfMonth() throws {
        #expect(try fireTimes("0 0 L 2 *", after: "2023-01-01T00:00:00Z", count: 3) == [
            date("2023-02-28T00:00:00Z"), date("2024-02-29T00:00:00Z"), date("2025-02-28T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 L * *", after: "2024-01-01T00:00:00Z", count: 4) == [
            date("2024-01-31T00:00:00Z"), date("2024-02-29T00:00:00Z"),
            date("2024-03-31T00:00:00Z"), date("2024-04-30T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 L-2 2 *", after: "2024-01-01T00:00:00Z", count: 2) == [
            date("2024-02-27T00:00:00Z"), date("2025-02-26T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 1,L * *", after: "2024-02-01T00:00:00Z", count: 3) == [
            date("2024-02-29T00:00:00Z"), date("2024-03-01T00:00:00Z"), date("2024-03-31T00:00:00Z"),
        ])
    }

    @Test func nearestWeekday() throws {
        // 2024-06-15 is a Saturday, 2024-09-15 a Sunday, 2024-05-15 a Wednesday.
        #expect(try fireTimes("0 0 15W * *", after: "2024-05-01T00:00:00Z", count: 5) == [
            date("2024-05-15T00:00:00Z"), date("2024-06-14T00:00:00Z"), date("2024-07-15T00:00:00Z"),
            date("2024-08-15T00:00:00Z"), date("2024-09-16T00:00:00Z"),
        ])
        // 2024-06-01 is a Saturday: the nearest weekday in June is Monday the 3rd.
        #expect(try fireTimes("0 0 1W 6 *", after: "2024-01-01T00:00:00Z", count: 1) == [date("2024-06-03T00:00:00Z")])
        // 2024-03-31 is a Sunday: the nearest weekday in March is Friday the 29th.
        #expect(try fireTimes("0 0 31W 3 *", after: "2024-01-01T00:00:00Z", count: 1) == [date("2024-03-29T00:00:00Z")])
        // 31W never fires in a 30-day month.
        #expect(try fireTimes("0 0 31W 4 *", after: "2024-01-01T00:00:00Z", count: 1).isEmpty)
        // Last weekday: 2024-08-31 is a Saturday, 2024-03-31 a Sunday.
        #expect(try fireTimes("0 0 LW 3,7,8 *", after: "2024-01-01T00:00:00Z", count: 3) == [
            date("2024-03-29T00:00:00Z"), date("2024-07-31T00:00:00Z"), date("2024-08-30T00:00:00Z"),
        ])
    }

    @Test func lastAndNthWeekday() throws {
        #expect(try fireTimes("0 18 * * 5L", after: "2024-01-01T00:00:00Z", count: 3) == [
            date("2024-01-26T18:00:00Z"), date("2024-02-23T18:00:00Z"), date("2024-03-29T18:00:00Z"),
        ])
        #expect(try fireTimes("0 18 * * FRIL", after: "2024-01-01T00:00:00Z", count: 1) == [date("2024-01-26T18:00:00Z")])
        #expect(try fireTimes("0 0 * * MON#2", after: "2024-01-01T00:00:00Z", count: 2) == [
            date("2024-01-08T00:00:00Z"), date("2024-02-12T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 * * 5#5", after: "2024-01-01T00:00:00Z", count: 4) == [
            date("2024-03-29T00:00:00Z"), date("2024-05-31T00:00:00Z"),
            date("2024-08-30T00:00:00Z"), date("2024-11-29T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 * * 0#1,6L", after: "2024-06-01T00:00:00Z", count: 3) == [
            date("2024-06-02T00:00:00Z"), date("2024-06-29T00:00:00Z"), date("2024-07-07T00:00:00Z"),
        ])
    }

    @Test func dayOfMonthAndDayOfWeekFollowVixieCron() throws {
        // Both restricted: either matches. 2024-09-06 is a Friday.
        #expect(try fireTimes("0 0 13 * FRI", after: "2024-09-01T00:00:00Z", count: 7) == [
            date("2024-09-06T00:00:00Z"), date("2024-09-13T00:00:00Z"), date("2024-09-20T00:00:00Z"),
            date("2024-09-27T00:00:00Z"), date("2024-10-04T00:00:00Z"), date("2024-10-11T00:00:00Z"),
            date("2024-10-13T00:00:00Z"),
        ])
        // Day of month starts with `*`: both must match (Mondays on odd days).
        #expect(try fireTimes("0 0 */2 * MON", after: "2024-09-01T00:00:00Z", count: 3) == [
            date("2024-09-09T00:00:00Z"), date("2024-09-23T00:00:00Z"), date("2024-10-07T00:00:00Z"),
        ])
        // `?` counts as unrestricted.
        #expect(try fireTimes("0 0 ? * MON", after: "2024-09-01T00:00:00Z", count: 2) == [
            date("2024-09-02T00:00:00Z"), date("2024-09-09T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 1 * ?", after: "2024-09-01T00:00:00Z", count: 1) == [date("2024-10-01T00:00:00Z")])
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        "0 0 30 2 *", "0 0 31 2,4,6,9,11 *", "0 0 L-29 2 *", "0 0 30W 2 *", "0 0 31 4 ?", "0 0 0 31 FEB ?",
    ])
    func impossibleSchedulesEnd(expression: String) throws {
        let schedule = try CronSchedule(expression)
        #expect(schedule.next(after: date("2024-01-01T00:00:00Z"), in: utc) == nil)
        #expect(schedule.nextDates(count: 3, after: date("2024-01-01T00:00:00Z"), in: newYork).isEmpty)
    }

    @Test func rareButPossibleSchedulesAreFound() throws {
        // Feb 29 or any Monday of February (either field); 2025-02-03 is a Monday.
        #expect(try fireTimes("0 0 29 2 MON", after: "2024-02-27T00:00:00Z", count: 2) == [
            date("2024-02-29T00:00:00Z"), date("2025-02-03T00:00:00Z"),
        ])
        // The fifth Monday of February happens only in leap years starting on a Monday.
        #expect(try fireTimes("0 0 * 2 MON#5", after: "2024-03-01T00:00:00Z", count: 1) == [date("2044-02-29T00:00:00Z")])
    }
}
