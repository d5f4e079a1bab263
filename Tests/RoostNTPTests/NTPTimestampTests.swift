import Foundation
import RoostNTP
import Testing

@Suite struct NTPTimestampTests {
    @Test func unixEpochAndY2K() {
        #expect(NTPTimestamp(date: Date(timeIntervalSince1970: 0)) == NTPTimestamp(seconds: 2_208_988_800, fraction: 0))
        let y2k = Date(timeIntervalSince1970: 946_684_800)
        #expect(NTPTimestamp(date: y2k).seconds == 3_155_673_600)
        #expect(NTPTimestamp(seconds: 3_155_673_600, fraction: 0).date == y2k)
    }

    @Test func fractionIsBinary() {
        let stamp = NTPTimestamp(date: Date(timeIntervalSince1970: 0.5))
        #expect(stamp.fraction == 1 << 31)
        #expect(NTPTimestamp(seconds: 2_208_988_800, fraction: 1 << 30).date == Date(timeIntervalSince1970: 0.25))
    }

    @Test func era1StartsOnSeventhOfFebruary2036() {
        // 2036-02-07T06:28:16Z is 2^32 seconds after 1900-01-01.
        let rollover = Date(timeIntervalSince1970: 2_085_978_496)
        let stamp = NTPTimestamp(date: rollover)
        #expect(stamp.rawValue == 0)
        #expect(stamp.date == rollover)
        let later = Date(timeIntervalSince1970: 2_208_988_800)  // 2040-01-01
        #expect(NTPTimestamp(date: later).date == later)
        let before = rollover.addingTimeInterval(-1)
        #expect(NTPTimestamp(date: before).seconds == .max)
        #expect(NTPTimestamp(date: before).date == before)
    }

    @Test func roundTripKeepsSubMicrosecondPrecision() {
        let date = Date(timeIntervalSince1970: 1_763_700_000.123_456)
        let back = NTPTimestamp(date: date).date
        #expect(abs(back.timeIntervalSince(date)) < 1e-6)
    }

    @Test func durationSinceIsSignedAndCrossesEras() {
        let a = NTPTimestamp(seconds: 100, fraction: 1 << 31)
        let b = NTPTimestamp(seconds: 98, fraction: 0)
        #expect(a.duration(since: b) == .milliseconds(2_500))
        #expect(b.duration(since: a) == .milliseconds(-2_500))
        let endOfEra0 = NTPTimestamp(seconds: .max, fraction: 0)
        let startOfEra1 = NTPTimestamp(seconds: 1, fraction: 0)
        #expect(startOfEra1.duration(since: endOfEra0) == .seconds(2))
    }
}
