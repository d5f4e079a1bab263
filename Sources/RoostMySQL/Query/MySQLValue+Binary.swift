import NIOCore

/// Reading the binary-protocol forms of numbers, dates and times.
extension MySQLValue {
    enum BinaryInteger {
        case signed(Int64)
        case unsigned(UInt64)
    }

    /// The integer in a binary-protocol integer column, with its signedness; `nil` for
    /// other column types.
    func binaryInteger(_ bytes: ByteBuffer) -> BinaryInteger? {
        let unsigned = column.flags.contains(.unsigned)
        let index = bytes.readerIndex
        switch (column.type, bytes.readableBytes) {
        case (.tiny, 1):
            let raw = bytes.getInteger(at: index, as: UInt8.self)!
            return unsigned ? .unsigned(UInt64(raw)) : .signed(Int64(Int8(bitPattern: raw)))
        case (.short, 2), (.year, 2):
            let raw = bytes.getInteger(at: index, endianness: .little, as: UInt16.self)!
            return unsigned || column.type == .year ? .unsigned(UInt64(raw)) : .signed(Int64(Int16(bitPattern: raw)))
        case (.long, 4), (.int24, 4):
            let raw = bytes.getInteger(at: index, endianness: .little, as: UInt32.self)!
            return unsigned ? .unsigned(UInt64(raw)) : .signed(Int64(Int32(bitPattern: raw)))
        case (.longLong, 8):
            let raw = bytes.getInteger(at: index, endianness: .little, as: UInt64.self)!
            return unsigned ? .unsigned(raw) : .signed(Int64(bitPattern: raw))
        default:
            return nil
        }
    }

    /// The number in a binary-protocol FLOAT or DOUBLE column; `nil` for other types.
    func binaryFloatingPoint(_ bytes: ByteBuffer) -> Double? {
        let index = bytes.readerIndex
        switch (column.type, bytes.readableBytes) {
        case (.double, 8):
            return Double(bitPattern: bytes.getInteger(at: index, endianness: .little, as: UInt64.self)!)
        case (.float, 4):
            return Double(Float(bitPattern: bytes.getInteger(at: index, endianness: .little, as: UInt32.self)!))
        default:
            return nil
        }
    }

    /// The fields of a binary-protocol DATE, DATETIME or TIMESTAMP; `nil` for other types.
    func binaryDateTime(_ bytes: ByteBuffer) -> MySQLDateTime? {
        guard [.date, .datetime, .timestamp].contains(column.type) else { return nil }
        let b = Array(bytes.readableBytesView)
        guard [0, 4, 7, 11].contains(b.count) else { return nil }
        var value = MySQLDateTime(year: 0, month: 0, day: 0)
        if b.count >= 4 {
            value.year = Int(b[0]) | Int(b[1]) << 8
            value.month = Int(b[2])
            value.day = Int(b[3])
        }
        if b.count >= 7 { (value.hour, value.minute, value.second) = (Int(b[4]), Int(b[5]), Int(b[6])) }
        if b.count == 11 { value.microsecond = Int(b[7]) | Int(b[8]) << 8 | Int(b[9]) << 16 | Int(b[10]) << 24 }
        return value
    }

    /// The fields of a binary-protocol TIME; `nil` for other types.
    func binaryTime(_ bytes: ByteBuffer) -> MySQLTime? {
        guard column.type == .time else { return nil }
        let b = Array(bytes.readableBytesView)
        guard [0, 8, 12].contains(b.count) else { return nil }
        guard b.count >= 8 else { return MySQLTime(hours: 0, minutes: 0, seconds: 0) }
        let days = Int(b[1]) | Int(b[2]) << 8 | Int(b[3]) << 16 | Int(b[4]) << 24
        let microseconds = b.count == 12 ? Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24 : 0
        return MySQLTime(
            isNegative: b[0] == 1, hours: days * 24 + Int(b[5]), minutes: Int(b[6]), seconds: Int(b[7]),
            microseconds: microseconds)
    }

    /// The text the text protocol would send for a binary-protocol number, date or time;
    /// `nil` for types whose binary form already is their text (strings, DECIMAL, …).
    func binaryText(_ bytes: ByteBuffer) -> String? {
        if let integer = binaryInteger(bytes) {
            switch integer {
            case .signed(let value): return String(value)
            case .unsigned(let value): return String(value)
            }
        }
        if column.type == .float, bytes.readableBytes == 4 {
            return "\(Float(bitPattern: bytes.getInteger(at: bytes.readerIndex, endianness: .little, as: UInt32.self)!))"
        }
        if let double = binaryFloatingPoint(bytes) { return "\(double)" }
        let fractionDigits = Int(column.decimals <= 6 ? column.decimals : 0)
        if let dateTime = binaryDateTime(bytes) {
            return dateTime.text(dateOnly: column.type == .date, fractionDigits: fractionDigits)
        }
        if let time = binaryTime(bytes) { return time.text(fractionDigits: fractionDigits) }
        return nil
    }

    /// The value's text form for decoders that parse text, or a decoding error for NULL.
    func requireText(for type: Any.Type) throws -> String {
        let bytes = try requireBytes(for: type)
        if format == .binary, let text = binaryText(bytes) { return text }
        return String(buffer: bytes)
    }
}

/// Zero-padded decimal text.
func mysqlPadded(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

extension MySQLDateTime {
    /// `YYYY-MM-DD`, or with `HH:MM:SS` and `fractionDigits` digits of the microseconds.
    func text(dateOnly: Bool, fractionDigits: Int) -> String {
        var text = "\(mysqlPadded(year, 4))-\(mysqlPadded(month, 2))-\(mysqlPadded(day, 2))"
        if dateOnly { return text }
        text += " \(mysqlPadded(hour, 2)):\(mysqlPadded(minute, 2)):\(mysqlPadded(second, 2))"
        if fractionDigits > 0 { text += "." + mysqlPadded(microsecond, 6).prefix(fractionDigits) }
        return text
    }
}

extension MySQLTime {
    /// `[-]HH:MM:SS` with `fractionDigits` digits of the microseconds.
    func text(fractionDigits: Int) -> String {
        var text = (isNegative ? "-" : "") + "\(mysqlPadded(hours, 2)):\(mysqlPadded(minutes, 2)):\(mysqlPadded(seconds, 2))"
        if fractionDigits > 0 { text += "." + mysqlPadded(microseconds, 6).prefix(fractionDigits) }
        return text
    }
}
