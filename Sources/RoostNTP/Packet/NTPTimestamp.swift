import Foundation

/// A 64-bit NTP timestamp: seconds since the start of an NTP era in the high 32 bits and
/// a binary fraction of a second in the low 32 bits (resolution about 233 picoseconds).
///
/// The 32-bit seconds field wraps every 136 years. Following RFC 4330 §3, a timestamp
/// whose top bit is set is in era 0 (1968–2036, counted from 1900-01-01), and one whose
/// top bit is clear is in era 1 (2036–2104, counted from 2036-02-07 06:28:16 UTC).
///
/// ```swift
/// let stamp = NTPTimestamp(date: Date())
/// let back = stamp.date // equal within a nanosecond-scale rounding
/// ```
public struct NTPTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01).
    public static let unixEpochOffset: Int64 = 2_208_988_800
    /// The all-zero timestamp, which NTP uses to mean "unknown".
    public static let zero = NTPTimestamp(rawValue: 0)

    /// The wire value: seconds in the high 32 bits, fraction in the low 32 bits.
    public var rawValue: UInt64

    /// Creates a timestamp from its wire value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Creates a timestamp from its seconds and fraction fields.
    public init(seconds: UInt32, fraction: UInt32) {
        self.rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// The timestamp of `date`, in whichever era contains it.
    public init(date: Date) {
        let sinceNTPEpoch = date.timeIntervalSince1970 + Double(Self.unixEpochOffset)
        let whole = sinceNTPEpoch.rounded(.down)
        var fraction = ((sinceNTPEpoch - whole) * 4_294_967_296).rounded()
        var seconds = Int64(whole)
        if fraction >= 4_294_967_296 {
            fraction -= 4_294_967_296
            seconds += 1
        }
        // Taking the low 32 bits places the time in its era.
        self.init(seconds: UInt32(truncatingIfNeeded: seconds), fraction: UInt32(fraction))
    }

    /// The seconds field.
    public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    /// The fraction field, in units of 2⁻³² s.
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// The moment this timestamp denotes, using the RFC 4330 era rule.
    public var date: Date {
        let eraStart: Int64 = seconds & 0x8000_0000 != 0 ? 0 : 1 << 32
        let sinceNTPEpoch = eraStart + Int64(seconds)
        let unixSeconds = sinceNTPEpoch - Self.unixEpochOffset
        return Date(timeIntervalSince1970: Double(unixSeconds) + Double(fraction) / 4_294_967_296)
    }

    /// The signed time from `other` to this timestamp, computed on the wire values so that
    /// an era boundary between them does not matter (valid for spans under 68 years).
    public func duration(since other: NTPTimestamp) -> Duration {
        let units = Int64(bitPattern: rawValue &- other.rawValue)
        let wholeSeconds = units >> 32
        let fractionUnits = UInt64(units & 0xFFFF_FFFF)
        let (high, low) = fractionUnits.multipliedFullWidth(by: 1_000_000_000_000_000_000)
        let attoseconds = Int64(high << 32 | low >> 32)
        return Duration(secondsComponent: wholeSeconds, attosecondsComponent: attoseconds)
    }

    /// Orders timestamps by their wire value (within one era).
    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The date in ISO 8601 form.
    public var description: String { date.formatted(.iso8601) }
}
