import Foundation
import RoostTasks
import Testing

/// Daylight-saving changes in 2024:
/// - New York: 2024-03-10 02:00 EST → 03:00 EDT; 2024-11-03 02:00 EDT → 01:00 EST.
/// - Berlin: 2024-03-31 02:00 CET → 03:00 CEST; 2024-10-27 03:00 CEST → 02:00 CET.
@Suite struct CronScheduleDaylightSavingTests {
    @Test func fixedTimeInTheSpringGapRunsOnceAtTheGapEnd() throws {
        #expect(try fireTimes("30 2 * * *", after: "2024-03-09T12:00:00-05:00", count: 3, in: newYork) == [
            date("2024-03-10T03:00:00-04:00"), date("2024-03-11T02:30:00-04:00"), date("2024-03-12T02:30:00-04:00"),
        ])
        #expect(try fireTimes("0,30 2 * * *", after: "2024-03-09T12:00:00-05:00", count: 3, in: newYork) == [
            date("2024-03-10T03:00:00-04:00"), date("2024-03-11T02:00:00-04:00"), date("2024-03-11T02:30:00-04:00"),
        ])
        #expect(try fireTimes("30 2 * * *", after: "2024-03-30T12:00:00+01:00", count: 2, in: berlin) == [
            date("2024-03-31T03:00:00+02:00"), date("2024-04-01T02:30:00+02:00"),
        ])
        // A job at 03:00 itself is not doubled by the 02:30 catch-up rule.
        #expect(try fireTimes("0 3 * * *", after: "2024-03-30T12:00:00+01:00", count: 2, in: berlin) == [
            date("2024-03-31T03:00:00+02:00"), date("2024-04-01T03:00:00+02:00"),
        ])
    }

    @Test func fixedTimeInTheRepeatedHourRunsOnceAtTheFirstOccurrence() throws {
        #expect(try fireTimes("30 1 * * *", after: "2024-11-02T12:00:00-04:00", count: 2, in: newYork) == [
            date("2024-11-03T01:30:00-04:00"), date("2024-11-04T01:30:00-05:00"),
        ])
        // Asked between the two occurrences, the second one does not fire.
        #expect(try fireTimes("30 1 * * *", after: "2024-11-03T01:45:00-04:00", count: 1, in: newYork) == [
            date("2024-11-04T01:30:00-05:00"),
        ])
        #expect(try fireTimes("30 1 * * *", after: "2024-11-03T01:10:00-05:00", count: 1, in: newYork) == [
            date("2024-11-04T01:30:00-05:00"),
        ])
        #expect(try fireTimes("30 2 * * *", after: "2024-10-26T12:00:00+02:00", count: 2, in: berlin) == [
            date("2024-10-27T02:30:00+02:00"), date("2024-10-28T02:30:00+01:00"),
        ])
    }

    @Test func intervalJobsSkipTheGapAndRunInBothOccurrences() throws {
        #expect(try fireTimes("*/30 * * * *", after: "2024-03-10T01:00:00-05:00", count: 3, in: newYork) == [
            date("2024-03-10T01:30:00-05:00"), date("2024-03-10T03:00:00-04:00"), date("2024-03-10T03:30:00-04:00"),
        ])
        #expect(try fireTimes("*/30 * * * *", after: "2024-11-03T00:45:00-04:00", count: 5, in: newYork) == [
            date("2024-11-03T01:00:00-04:00"), date("2024-11-03T01:30:00-04:00"),
            date("2024-11-03T01:00:00-05:00"), date("2024-11-03T01:30:00-05:00"), date("2024-11-03T02:00:00-05:00"),
        ])
        #expect(try fireTimes("@hourly", after: "2024-10-27T00:30:00+02:00", count: 4, in: berlin) == [
            date("2024-10-27T01:00:00+02:00"), date("2024-10-27T02:00:00+02:00"),
            date("2024-10-27T02:00:00+01:00"), date("2024-10-27T03:00:00+01:00"),
        ])
        // Minute is a wildcard: an interval job for the hour 2 only.
        #expect(try fireTimes("*/20 2 * * *", after: "2024-10-27T00:00:00+02:00", count: 7, in: berlin) == [
            date("2024-10-27T02:00:00+02:00"), date("2024-10-27T02:20:00+02:00"), date("2024-10-27T02:40:00+02:00"),
            date("2024-10-27T02:00:00+01:00"), date("2024-10-27T02:20:00+01:00"), date("2024-10-27T02:40:00+01:00"),
            date("2024-10-28T02:00:00+01:00"),
        ])
        #expect(try fireTimes("*/20 2 * * *", after: "2024-03-31T00:00:00+01:00", count: 1, in: berlin) == [
            date("2024-04-01T02:00:00+02:00"),
        ])
        // Asked in the middle of the second occurrence, it goes on from there.
        #expect(try fireTimes("*/20 * * * *", after: "2024-11-03T01:25:00-05:00", count: 2, in: newYork) == [
            date("2024-11-03T01:40:00-05:00"), date("2024-11-03T02:00:00-05:00"),
        ])
    }

    @Test func midnightAndNoonAreUnaffected() throws {
        #expect(try fireTimes("0 0,12 * * *", after: "2024-03-09T13:00:00-05:00", count: 4, in: newYork) == [
            date("2024-03-10T00:00:00-05:00"), date("2024-03-10T12:00:00-04:00"),
            date("2024-03-11T00:00:00-04:00"), date("2024-03-11T12:00:00-04:00"),
        ])
    }

    @Test(arguments: ["* * * * *", "*/7 * * * *", "30 2 * * *", "0 1-3 * * *", "15 2,3 * * *", "0 0 L * *", "0 2 * * SUN"])
    func fireTimesStrictlyIncreaseAcrossAWholeYear(expression: String) throws {
        for zone in [newYork, berlin] {
            let schedule = try CronSchedule(expression)
            var cursor = date("2024-01-01T00:00:00Z")
            var count = 0
            while let next = schedule.next(after: cursor, in: zone), next < date("2025-01-01T00:00:00Z") {
                #expect(next > cursor)
                cursor = next
                count += 1
                if count > 600_000 { break }
            }
            #expect(count > 0)
        }
    }
}
