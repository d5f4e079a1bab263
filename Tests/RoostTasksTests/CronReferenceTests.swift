import Foundation
import RoostTasks
import Testing

/// Next fire times checked against croniter for 260 generated cases in UTC, New York and
/// Berlin, 61 of them across daylight-saving changes (see scripts/cron-reference.py).
@Suite struct CronReferenceTests {
    @Test func matchesCroniter() throws {
        var mismatches: [String] = []
        for (expression, zoneName, start, crossesTransition, expected) in cronReferenceTable {
            let zone = try #require(TimeZone(identifier: zoneName))
            let actual = try CronSchedule(expression).nextDates(count: expected.count, after: date(start), in: zone)
                .map { Int64($0.timeIntervalSince1970) }
            if actual != expected {
                mismatches.append("\(expression) \(zoneName) \(start) transition=\(crossesTransition): \(actual) vs \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(cronReferenceTable.count >= 200)
    }
}
