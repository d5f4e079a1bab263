import Foundation
import RoostCore
import Testing

@Suite struct CalendarAndDateTextTests {
    let newYork = TimeZone(identifier: "America/New_York")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func date(_ text: String, _ zone: TimeZone) throws -> Date {
        try DateText.parse(text, pattern: .dateTime, timeZone: zone)
    }

    @Test func dayRangesAcrossDaylightSaving() throws {
        let ranges = CalendarRanges(timeZone: newYork)
        let springForward = ranges.day(containing: try date("2024-03-10 12:00:00", newYork))
        #expect(springForward.lowerBound == (try date("2024-03-10 00:00:00", newYork)))
        #expect(springForward.upperBound.timeIntervalSince(springForward.lowerBound) == 23 * 3600)
        let fallBack = ranges.day(containing: try date("2024-11-03 23:59:59", newYork))
        #expect(fallBack.upperBound.timeIntervalSince(fallBack.lowerBound) == 25 * 3600)
        #expect(ranges.endOfDay(try date("2024-11-03 08:00:00", newYork)) == (try date("2024-11-03 23:59:59", newYork)))
        #expect(ranges.startOfDay(try date("2024-11-03 08:00:00", newYork)) == fallBack.lowerBound)
    }

    @Test func sameInstantDifferentZonesDifferentDays() throws {
        let instant = try DateText.parse("2024-05-01T20:00:00Z", pattern: .iso8601, timeZone: .gmt)
        let utcDay = CalendarRanges(timeZone: .gmt).day(containing: instant)
        let shanghaiDay = CalendarRanges(timeZone: shanghai).day(containing: instant)
        #expect(DateText.format(utcDay.lowerBound, pattern: .dateTime, timeZone: .gmt) == "2024-05-01 00:00:00")
        #expect(DateText.format(shanghaiDay.lowerBound, pattern: .dateTime, timeZone: shanghai) == "2024-05-02 00:00:00")
    }

    @Test func weeksWithConfigurableFirstDay() throws {
        // 2024-03-31 is a Sunday, the day Berlin moves to summer time.
        let sunday = try date("2024-03-31 15:00:00", berlin)
        let mondayWeek = CalendarRanges(timeZone: berlin, firstWeekday: .monday).week(containing: sunday)
        #expect(mondayWeek.lowerBound == (try date("2024-03-25 00:00:00", berlin)))
        #expect(mondayWeek.upperBound == (try date("2024-04-01 00:00:00", berlin)))
        #expect(mondayWeek.upperBound.timeIntervalSince(mondayWeek.lowerBound) == 7 * 86400 - 3600)
        let sundayWeek = CalendarRanges(timeZone: berlin, firstWeekday: .sunday).week(containing: sunday)
        #expect(sundayWeek.lowerBound == (try date("2024-03-31 00:00:00", berlin)))
        let saturdayWeek = CalendarRanges(timeZone: berlin, firstWeekday: .saturday).week(containing: sunday)
        #expect(saturdayWeek.lowerBound == (try date("2024-03-30 00:00:00", berlin)))
    }

    @Test func monthsIncludingLeapFebruaryAndDaylightSaving() throws {
        let ranges = CalendarRanges(timeZone: newYork)
        let february = ranges.month(containing: try date("2024-02-29 23:00:00", newYork))
        #expect(february.lowerBound == (try date("2024-02-01 00:00:00", newYork)))
        #expect(february.upperBound == (try date("2024-03-01 00:00:00", newYork)))
        let march = ranges.month(containing: try date("2024-03-15 12:00:00", newYork))
        #expect(march.upperBound.timeIntervalSince(march.lowerBound) == 31 * 86400 - 3600)
        let december = ranges.month(containing: try date("2024-12-31 23:59:59", newYork))
        #expect(december.upperBound == (try date("2025-01-01 00:00:00", newYork)))
    }

    @Test func formatAndParseCommonPatterns() throws {
        let instant = try DateText.parse("2024-05-01 08:30:00", pattern: .dateTime, timeZone: shanghai)
        #expect(instant.timeIntervalSince1970 == 1_714_523_400)
        #expect(DateText.format(instant, pattern: .iso8601, timeZone: shanghai) == "2024-05-01T08:30:00+08:00")
        #expect(DateText.format(instant, pattern: .iso8601, timeZone: .gmt) == "2024-05-01T00:30:00Z")
        #expect(DateText.format(instant, pattern: .dateTime, timeZone: .gmt) == "2024-05-01 00:30:00")
        #expect(DateText.format(instant, pattern: .compact, timeZone: shanghai) == "20240501083000")
        #expect(DateText.format(instant, pattern: .date, timeZone: newYork) == "2024-04-30")
        #expect(DateText.format(instant + 0.25, pattern: .iso8601Milliseconds, timeZone: .gmt) == "2024-05-01T00:30:00.250Z")
        #expect(try DateText.parse("2024-05-01T00:30:00.250Z", pattern: .iso8601, timeZone: .gmt) == instant + 0.25)
        #expect(try DateText.parse("2024-05-01T08:30:00+08:00", pattern: .iso8601, timeZone: newYork) == instant)
        #expect(try DateText.parse("01/05/2024 08:30", pattern: .custom("dd/MM/yyyy HH:mm"), timeZone: shanghai) == instant)
    }

    @Test func daylightSavingWallTimes() throws {
        // 01:30 happens twice on 2024-11-03 in New York; the formatter picks one, and it round-trips.
        let ambiguous = try date("2024-11-03 01:30:00", newYork)
        #expect(DateText.format(ambiguous, pattern: .dateTime, timeZone: newYork) == "2024-11-03 01:30:00")
        // 02:30 does not exist on 2024-03-10.
        #expect(throws: DateParseError(text: "2024-03-10 02:30:00", pattern: "yyyy-MM-dd HH:mm:ss")) {
            try date("2024-03-10 02:30:00", newYork)
        }
        let before = try date("2024-03-10 01:59:59", newYork)
        let after = try date("2024-03-10 03:00:00", newYork)
        #expect(after.timeIntervalSince(before) == 1)
    }

    @Test(arguments: ["", "2024-13-01 00:00:00", "2024-02-30 10:00:00", "2024-05-01", "2024-05-01 8:30:00 extra", "yesterday"])
    func badTextIsATypedError(text: String) {
        #expect(throws: DateParseError.self) { try DateText.parse(text, pattern: .dateTime, timeZone: .gmt) }
        #expect(throws: DateParseError.self) { try DateText.parse(text, pattern: .iso8601, timeZone: .gmt) }
        #expect(DateParseError(text: text, pattern: "x").code == "time.parse.invalid")
    }
}
