/// A TIME value: a signed duration of up to ±838:59:59.999999, not a time of day.
///
/// ```swift
/// let elapsed = try row["elapsed"].decode(MySQLTime.self)   // "-25:00:01" → 25 h 1 s, negative
/// let duration = elapsed.duration
/// ```
public struct MySQLTime: Sendable, Hashable, CustomStringConvertible {
    /// Whether the value is negative.
    public var isNegative: Bool
    /// Hours, 0-838.
    public var hours: Int
    /// Minutes, 0-59.
    public var minutes: Int
    /// Seconds, 0-59.
    public var seconds: Int
    /// Microseconds, 0-999999.
    public var microseconds: Int

    /// Creates a value from its fields.
    public init(isNegative: Bool = false, hours: Int, minutes: Int, seconds: Int, microseconds: Int = 0) {
        self.isNegative = isNegative
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// Parses `[-]H…H:MM:SS[.ffffff]`.
    public init?(text: String) {
        var bytes = Substring(text)
        let negative = bytes.first == "-"
        if negative { bytes.removeFirst() }
        let fractionParts = bytes.split(separator: ".", omittingEmptySubsequences: false)
        guard fractionParts.count <= 2 else { return nil }
        let parts = fractionParts[0].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...3).contains(parts[0].count), parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Int(parts[2]),
            minutes < 60, seconds < 60
        else { return nil }
        var microseconds = 0
        if fractionParts.count == 2 {
            let fraction = fractionParts[1]
            guard (1...6).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(fraction)
            else { return nil }
            microseconds = value
            for _ in fraction.count..<6 { microseconds *= 10 }
        }
        self.init(isNegative: negative, hours: hours, minutes: minutes, seconds: seconds, microseconds: microseconds)
    }

    /// The signed duration.
    public var duration: Duration {
        let magnitude = Duration.seconds(hours * 3_600 + minutes * 60 + seconds) + .microseconds(microseconds)
        return isNegative ? .zero - magnitude : magnitude
    }

    /// `[-]HH:MM:SS[.ffffff]`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = (isNegative ? "-" : "") + "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2))"
        if microseconds != 0 { text += "." + pad(microseconds, 6) }
        return text
    }
}

extension MySQLTime: MySQLDecodable {
    /// Decodes a TIME value.
    public init(mysqlValue: MySQLValue) throws {
        let bytes = try mysqlValue.requireBytes(for: MySQLTime.self)
        if mysqlValue.format == .binary, let value = mysqlValue.binaryTime(bytes) {
            self = value
            return
        }
        let text = String(buffer: bytes)
        guard let value = MySQLTime(text: text) else {
            throw MySQLDecodingError(value: mysqlValue, type: MySQLTime.self, reason: "not a TIME value")
        }
        self = value
    }
}
