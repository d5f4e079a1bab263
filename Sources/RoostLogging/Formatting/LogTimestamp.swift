import Foundation

/// Formats instants as ISO 8601 in UTC with milliseconds, such as
/// `2026-11-21T12:06:27.123Z`, without Foundation's date formatters (which are slow and
/// not thread-safe to share).
enum LogTimestamp {
    /// The UTF-8 bytes of `date` in ISO 8601 with milliseconds, appended to `output`.
    static func append(_ date: Date, to output: inout [UInt8]) {
        // Round to whole microseconds first so that binary noise in the Double
        // (…0.123 stored as …0.12299999) does not move the millisecond down.
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let milliseconds = microseconds.quotientAndRemainderFlooring(dividingBy: 1_000).0
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainderFlooring(dividingBy: 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let seconds = millisecondOfDay / 1_000
        appendDigits(year, count: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3_600, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, count: 2, to: &output)
        output.append(UInt8(ascii: "."))
        appendDigits(millisecondOfDay % 1_000, count: 3, to: &output)
        output.append(UInt8(ascii: "Z"))
    }

    /// `date` as an ISO 8601 string with milliseconds.
    static func string(_ date: Date) -> String {
        var bytes: [UInt8] = []
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (the inverse of the classic
    /// days-from-civil computation, on 400-year eras).
    private static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func appendDigits(_ value: Int64, count: Int, to output: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: count)
        var remaining = value
        for index in stride(from: count - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        output.append(contentsOf: digits)
    }
}

extension Int64 {
    /// Division rounding towards negative infinity, so instants before 1970 land on the
    /// right day.
    fileprivate func quotientAndRemainderFlooring(dividingBy divisor: Int64) -> (Int64, Int64) {
        var (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
