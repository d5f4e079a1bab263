import Foundation

/// A DATE, DATETIME or TIMESTAMP value as the server wrote it: calendar fields with no
/// time zone. MySQL's "zero" dates (`0000-00-00`) can be represented; converting one to
/// `Date` throws.
///
/// ```swift
/// let created = try row["created_at"].decode(MySQLDateTime.self)
/// let instant = try row["created_at"].decode(Date.self)   // read as UTC
/// ```
public struct MySQLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The year (0 only in zero dates).
    public var year: Int
    /// The month, 1-12 (0 in zero dates).
    public var month: Int
    /// The day of the month, 1-31 (0 in zero dates).
    public var day: Int
    /// The hour, 0-23.
    public var hour: Int
    /// The minute, 0-59.
    public var minute: Int
    /// The second, 0-59.
    public var second: Int
    /// Microseconds, 0-999999.
    public var microsecond: Int

    /// Creates a value from its fields.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD HH:MM:SS.ffffff`.
    public init?(text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard bytes.count > 10 else { return }
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), let hour = number(11..<13), let minute = number(14..<16),
            let second = number(17..<19)
        else { return nil }
        (self.hour, self.minute, self.second) = (hour, minute, second)
        guard bytes.count > 19 else { return }
        let digits = bytes.count - 20
        guard bytes[19] == UInt8(ascii: "."), (1...6).contains(digits), let fraction = number(20..<bytes.count) else {
            return nil
        }
        var scale = 1
        for _ in digits..<6 { scale *= 10 }
        microsecond = fraction * scale
    }

    /// The UTC calendar fields of an instant, to the microsecond (rounded down).
    ///
    /// ```swift
    /// MySQLDateTime(utc: Date(timeIntervalSince1970: 0))   // 1970-01-01 00:00:00
    /// ```
    public init(utc date: Date) {
        let totalMicroseconds = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        let micros = Int64(exactly: totalMicroseconds) ?? (totalMicroseconds < 0 ? .min : .max)
        let (seconds, micro) = micros.floorDividedWithRemainder(by: 1_000_000)
        let (days, secondOfDay) = seconds.floorDividedWithRemainder(by: 86_400)
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(
            year: Int(year), month: Int(month), day: Int(day), hour: Int(secondOfDay / 3_600),
            minute: Int(secondOfDay % 3_600 / 60), second: Int(secondOfDay % 60), microsecond: Int(micro))
    }

    /// Whether this is a zero date such as `0000-00-00` (or has a zero month or day).
    public var isZero: Bool { year == 0 || month == 0 || day == 0 }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if microsecond != 0 { text += "." + pad(microsecond, 6) }
        return text
    }

    /// The instant this value names when read as UTC, or `nil` for zero or invalid dates.
    public var dateAssumingUTC: Date? {
        guard !isZero, (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days since 1970-01-01 in the proleptic Gregorian calendar.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(microsecond) / 1_000_000)
    }
}

extension MySQLDateTime: MySQLDecodable {
    /// Decodes a DATE, DATETIME or TIMESTAMP value.
    public init(mysqlValue: MySQLValue) throws {
        let bytes = try mysqlValue.requireBytes(for: MySQLDateTime.self)
        if mysqlValue.format == .binary, let value = mysqlValue.binaryDateTime(bytes) {
            self = value
            return
        }
        let text = String(buffer: bytes)
        guard let value = MySQLDateTime(text: text) else {
            throw MySQLDecodingError(value: mysqlValue, type: MySQLDateTime.self, reason: "not a date or datetime")
        }
        self = value
    }
}

extension Date: MySQLDecodable {
    /// Decodes a DATE, DATETIME or TIMESTAMP value, reading it as UTC. Zero dates throw:
    /// decode `MySQLDateTime` to see them, or forbid them with `NO_ZERO_DATE`.
    public init(mysqlValue: MySQLValue) throws {
        let value = try MySQLDateTime(mysqlValue: mysqlValue)
        guard let date = value.dateAssumingUTC else {
            throw MySQLDecodingError(
                value: mysqlValue, type: Date.self, reason: "zero or invalid dates have no instant; decode MySQLDateTime instead")
        }
        self = date
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, with a non-negative remainder.
    fileprivate func floorDividedWithRemainder(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
