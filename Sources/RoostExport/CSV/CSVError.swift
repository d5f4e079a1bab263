import RoostCore

/// Why CSV could not be written or read.
public struct CSVError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The delimiter is not one ASCII character, or is a quote, CR or LF.
        case invalidDelimiter(Character)
        /// A quoted field was still open at the end of the input.
        case unterminatedQuote(line: Int)
        /// Something other than a delimiter or line end followed a closing quote.
        case unexpectedCharacterAfterQuote(line: Int)
        /// A double quote appeared inside an unquoted field.
        case quoteInUnquotedField(line: Int)
        /// The input is not valid UTF-8.
        case invalidUTF8(line: Int)
        /// The sink refused the bytes; ``CSVError/underlying`` holds its error.
        case writeFailed
    }

    /// What went wrong.
    public let reason: Reason
    /// The sink's error when writing failed there.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `export.csv.`.
    public var code: ErrorCode {
        switch reason {
        case .invalidDelimiter: "export.csv.invalid_delimiter"
        case .unterminatedQuote: "export.csv.unterminated_quote"
        case .unexpectedCharacterAfterQuote: "export.csv.unexpected_after_quote"
        case .quoteInUnquotedField: "export.csv.quote_in_unquoted_field"
        case .invalidUTF8: "export.csv.invalid_utf8"
        case .writeFailed: "export.csv.write_failed"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .invalidDelimiter(let character):
            "\(String(reflecting: character)) cannot separate CSV fields; use one ASCII character other than a double quote, CR or LF."
        case .unterminatedQuote(let line):
            "A quoted field opened on line \(line) is never closed; the file is truncated or a quote inside the field is not doubled."
        case .unexpectedCharacterAfterQuote(let line):
            "Line \(line) has text after a closing quote; quotes inside a quoted field must be doubled (\"\")."
        case .quoteInUnquotedField(let line):
            "Line \(line) has a double quote inside an unquoted field; enclose the field in quotes and double the quote."
        case .invalidUTF8(let line):
            "Line \(line) is not valid UTF-8; convert the file to UTF-8 first."
        case .writeFailed:
            "Writing CSV output failed; see the cause (disk full, closed file or connection)."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: CSVError, rhs: CSVError) -> Bool { lhs.reason == rhs.reason }
}
