/// Parses CSV text into records of fields, strictly: malformed quoting is an error with
/// the line where it happened, never silently repaired.
///
/// Accepts CRLF, LF and lone CR line endings, skips a leading UTF-8 byte-order mark, and
/// reads quoted fields with embedded delimiters, doubled quotes and line breaks. A final
/// line ending does not start another record; a blank line in the middle is a record of
/// one empty field.
///
/// ```swift
/// let rows = try CSVReader.records(in: "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n")
/// // [["a", "b"], ["x, y", "say \"hi\""]]
/// ```
public enum CSVReader {
    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case afterQuote
    }

    /// The records in `text`.
    ///
    /// - Throws: ``CSVError`` for an unterminated quote, text after a closing quote, or a
    ///   quote inside an unquoted field.
    public static func records(in text: String, format: CSVFormat = .rfc4180) throws -> [[String]] {
        try records(in: Array(text.utf8), format: format)
    }

    /// The records in UTF-8 `bytes`.
    ///
    /// - Throws: ``CSVError``, including ``CSVError/Reason/invalidUTF8(line:)``.
    public static func records(in bytes: [UInt8], format: CSVFormat = .rfc4180) throws -> [[String]] {
        var parser = Parser(delimiter: format.delimiter)
        let start = bytes.starts(with: CSVFormat.byteOrderMark) ? CSVFormat.byteOrderMark.count : 0
        var index = start
        while index < bytes.count {
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            if try parser.consume(bytes[index], next: next) { index += 1 }
            index += 1
        }
        return try parser.finish()
    }

    private struct Parser {
        let delimiter: UInt8
        var state = State.fieldStart
        var field: [UInt8] = []
        var record: [String] = []
        var records: [[String]] = []
        var line = 1
        var quoteLine = 1

        init(delimiter: UInt8) { self.delimiter = delimiter }

        /// Consumes one byte; returns true when it also consumed `next` (the LF of CRLF).
        mutating func consume(_ byte: UInt8, next: UInt8?) throws -> Bool {
            let isLineBreak = byte == 0x0A || byte == 0x0D
            let skipsNext = byte == 0x0D && next == 0x0A
            switch state {
            case .fieldStart, .unquoted:
                if byte == 0x22 {
                    guard state == .fieldStart else { throw CSVError(.quoteInUnquotedField(line: line)) }
                    state = .quoted
                    quoteLine = line
                } else if byte == delimiter {
                    try endField()
                } else if isLineBreak {
                    try endRecord()
                    return skipsNext
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == 0x22 {
                    state = .afterQuote
                } else {
                    field.append(byte)
                    if isLineBreak && !skipsNext { line += 1 }
                }
            case .afterQuote:
                if byte == 0x22 {
                    field.append(0x22)
                    state = .quoted
                } else if byte == delimiter {
                    try endField()
                } else if isLineBreak {
                    try endRecord()
                    return skipsNext
                } else {
                    throw CSVError(.unexpectedCharacterAfterQuote(line: line))
                }
            }
            return false
        }

        mutating func finish() throws -> [[String]] {
            if state == .quoted { throw CSVError(.unterminatedQuote(line: quoteLine)) }
            if state != .fieldStart || !record.isEmpty { try endRecord() }
            return records
        }

        private mutating func endField() throws {
            guard let text = String(validating: field, as: UTF8.self) else { throw CSVError(.invalidUTF8(line: line)) }
            record.append(text)
            field.removeAll(keepingCapacity: true)
            state = .fieldStart
        }

        private mutating func endRecord() throws {
            try endField()
            records.append(record)
            record = []
            line += 1
        }
    }
}
