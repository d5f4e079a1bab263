/// The dialect of a CSV file: separator, line ending, byte-order mark and quoting.
///
/// The default is RFC 4180: comma separated, CRLF line endings, fields quoted only when
/// they must be, no byte-order mark.
///
/// ```swift
/// // Semicolon-separated with a BOM, the way spreadsheet programs in many locales expect it.
/// let excel = try CSVFormat(delimiter: ";", includeByteOrderMark: true)
/// ```
public struct CSVFormat: Sendable, Hashable {
    /// When fields are enclosed in double quotes.
    public enum Quoting: Sendable, Hashable {
        /// Only fields that contain the delimiter, a double quote, CR or LF (RFC 4180).
        case minimal
        /// Every field.
        case all
    }

    /// What ends each record.
    public enum LineEnding: String, Sendable, Hashable {
        /// `\r\n`, as RFC 4180 specifies.
        case crlf = "\r\n"
        /// `\n`, common on Unix systems.
        case lf = "\n"
    }

    /// The RFC 4180 dialect.
    public static let rfc4180 = CSVFormat()

    /// The field separator, a single ASCII byte.
    public let delimiter: UInt8
    /// The record terminator the writer emits. The reader accepts CRLF, LF and CR alike.
    public var lineEnding: LineEnding
    /// Whether the writer starts the output with the UTF-8 byte-order mark (EF BB BF),
    /// which makes spreadsheet programs read the file as UTF-8. The reader always skips
    /// a leading mark.
    public var includeByteOrderMark: Bool
    /// When the writer quotes fields.
    public var quoting: Quoting

    /// The RFC 4180 dialect: comma, CRLF, minimal quoting, no byte-order mark.
    public init() {
        self.delimiter = UInt8(ascii: ",")
        self.lineEnding = .crlf
        self.includeByteOrderMark = false
        self.quoting = .minimal
    }

    /// A custom dialect.
    ///
    /// - Throws: ``CSVError`` with ``CSVError/Reason/invalidDelimiter(_:)`` when the
    ///   delimiter is not a single ASCII character, or is a double quote, CR or LF.
    public init(
        delimiter: Character = ",", lineEnding: LineEnding = .crlf, includeByteOrderMark: Bool = false,
        quoting: Quoting = .minimal
    ) throws {
        // `asciiValue` maps the single grapheme "\r\n" to LF, so test the byte, not the character.
        guard let ascii = delimiter.asciiValue, ![0x22, 0x0D, 0x0A].contains(ascii) else {
            throw CSVError(.invalidDelimiter(delimiter))
        }
        self.delimiter = ascii
        self.lineEnding = lineEnding
        self.includeByteOrderMark = includeByteOrderMark
        self.quoting = quoting
    }

    /// The UTF-8 byte-order mark.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
