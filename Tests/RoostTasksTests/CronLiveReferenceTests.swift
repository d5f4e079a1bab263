import Foundation
import RoostTasks
import RoostTestSupport
import Testing

/// Computes, with croniter, the next fire times of each `[expression, zone, start, count]`
/// case in the JSON file named by the first argument, and prints them as one JSON list:
/// fewer times than asked where croniter finds no further date, an error text instead of
/// the times for a case that croniter rejects.
private let croniterNextDates = #"""
    import json, sys
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from croniter import croniter, CroniterBadDateError
    results = []
    for expression, zone, start, count in json.load(open(sys.argv[1])):
        times = []
        try:
            iterator = croniter(expression, datetime.fromtimestamp(start, ZoneInfo(zone)))
            for _ in range(count):
                times.append(int(iterator.get_next(datetime).timestamp()))
        except CroniterBadDateError:
            pass
        except Exception as error:
            times = repr(error)
        results.append(times)
    print(json.dumps(results))
    """#

/// Next fire times checked against croniter, run live by the test script on cases that
/// this test draws itself (the committed table in ``CronReferenceTests`` stays the check
/// of a plain `swift test`).
///
/// One difference is deliberate and documented on ``CronSchedule``: when clocks go back,
/// croniter fires a fixed-time job (minute and hour both fixed, such as `30 2 * * *`) at
/// both occurrences of the repeated wall time, while Roost, like Vixie cron, fires it once,
/// at the first. Croniter's second occurrences are set aside for such jobs before comparing.
@Suite struct CronLiveReferenceTests {
    enum Reference: Decodable {
        case times([Int64])
        case rejected(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .rejected(text)
            } else {
                self = .times(try container.decode([Int64].self))
            }
        }
    }

    static let minutes = ["0", "*/15", "5,35", "10-50/20", "*", "59", "0-10/5", "30", "*/7", "45", "17"]
    static let hours = ["*", "0", "2", "1-3", "*/6", "9-17", "23", "12", "3", "8,20", "1,2,3"]
    static let days = ["*", "1", "15", "L", "1,15", "29", "31", "28-31", "13", "10-20", "2-6"]
    static let months = ["*", "2", "1-6", "*/3", "JAN,JUL", "FEB", "3,10,11", "12", "2-3", "MAR-NOV"]
    static let weekdays = ["*", "MON-FRI", "0", "SUN,SAT", "5", "1-3", "6", "7", "TUE,THU", "1#2", "5#1"]
    static let zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney"]
    /// Days with a change of UTC offset in one of the zones, and ordinary ones.
    static let startDays = [
        "2025-03-09", "2025-11-02", "2025-03-30", "2025-10-26", "2025-04-06", "2025-10-05",
        "2026-03-08", "2026-11-01", "2024-02-28", "2025-07-01", "2025-12-31", "2026-05-17",
    ]

    /// Draws `count` distinct cases from a seeded generator: the same seed, the same cases.
    static func cases(count: Int, seed: UInt64) throws -> [(expression: String, zone: String, start: Int64)] {
        var random = SplitMix64(seed: seed)
        var cases: [(expression: String, zone: String, start: Int64)] = []
        var seen = Set<String>()
        let parser = ISO8601DateFormatter()
        while cases.count < count {
            let fields = [minutes, hours, days, months, weekdays].map { $0.randomElement(using: &random)! }
            // croniter ORs the two day fields when both are restricted, as Vixie cron does;
            // "#" with a restricted day of the month is left out, where the two disagree.
            if fields[4].contains("#") && fields[2] != "*" { continue }
            let expression = fields.joined(separator: " ")
            let zone = zones.randomElement(using: &random)!
            let day = startDays.randomElement(using: &random)!
            let secondOfDay = Int64.random(in: 0..<86_400, using: &random)
            let midnight = try #require(parser.date(from: day + "T00:00:00Z"))
            let start = Int64(midnight.timeIntervalSince1970) + secondOfDay
            guard seen.insert("\(expression)|\(zone)|\(start)").inserted else { continue }
            cases.append((expression, zone, start))
        }
        return cases
    }

    /// Whether `instant` is the later of two instants with the same wall-clock time, that
    /// is, whether the offset fell by exactly the time since an instant with that wall time.
    static func isSecondOccurrence(_ instant: Int64, in zone: TimeZone) -> Bool {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        return [1800, 3600, 7200].contains { shift in
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant - Int64(shift)))) - offset
                == shift
        }
    }

    /// Whether the minute and hour fields both name fixed values (Roost's fixed-time jobs).
    static func isFixedTime(_ expression: String) -> Bool {
        expression.split(separator: " ").prefix(2).allSatisfy { !$0.hasPrefix("*") }
    }

    @Test func secondOccurrencesAndFixedTimeJobsAreRecognised() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        // 2025-11-02 01:30 EDT (05:30Z) and 01:30 EST (06:30Z).
        #expect(!Self.isSecondOccurrence(1_762_061_400, in: newYork))
        #expect(Self.isSecondOccurrence(1_762_065_000, in: newYork))
        #expect(!Self.isSecondOccurrence(1_762_068_600, in: newYork))
        #expect(Self.isFixedTime("0-10/5 1-3 * * *"))
        #expect(!Self.isFixedTime("30 */2 * * *"))
        #expect(!Self.isFixedTime("* 2 * * *"))
    }

    @Test(.requiresPython)
    func matchesCroniterOnFreshCases() async throws {
        let count = 8
        let cases = try Self.cases(count: 300, seed: 0x0C20_2611_2100_0001)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("roost-cron-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: input) }
        // Room for the second occurrences that are set aside.
        let rows: [[Any]] = cases.map { [$0.expression, $0.zone, $0.start, count + 4] }
        try JSONSerialization.data(withJSONObject: rows).write(to: input)
        let output = try await TestPython.run(script: croniterNextDates, arguments: [input.path])
        let references = try JSONDecoder().decode([Reference].self, from: Data(output.utf8))
        try #require(references.count == cases.count)

        var mismatches: [String] = []
        var acrossOffsetChanges = 0
        var secondOccurrencesSetAside = 0
        for (testCase, reference) in zip(cases, references) {
            let zone = try #require(TimeZone(identifier: testCase.zone))
            let start = Date(timeIntervalSince1970: TimeInterval(testCase.start))
            let actual = try CronSchedule(testCase.expression).nextDates(count: count, after: start, in: zone)
                .map { Int64($0.timeIntervalSince1970) }
            switch reference {
            case .rejected(let reason):
                mismatches.append("\(testCase.expression) accepted by Roost, rejected by croniter: \(reason)")
            case .times(let times):
                var expected = times
                if Self.isFixedTime(testCase.expression) {
                    expected.removeAll { Self.isSecondOccurrence($0, in: zone) }
                    secondOccurrencesSetAside += times.count - expected.count
                }
                expected = Array(expected.prefix(count))
                if actual != expected {
                    mismatches.append(
                        "\(testCase.expression) \(testCase.zone) from \(testCase.start): \(actual) vs \(expected)")
                }
                let offsets = Set(
                    ([testCase.start] + expected).map {
                        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0)))
                    })
                if offsets.count > 1 { acrossOffsetChanges += 1 }
            }
        }
        #expect(
            mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.joined(separator: "\n"))")
        // The sample must really exercise daylight-saving changes in several zones.
        #expect(acrossOffsetChanges >= 40, "only \(acrossOffsetChanges) cases cross a change of UTC offset")
        #expect(secondOccurrencesSetAside > 0, "no case met the documented difference, so its handling went untested")
    }
}
