import NIOCore
import RoostCore

/// How the bytes of a value are encoded.
public enum MySQLFormat: Sendable, Hashable {
    /// The text protocol (`COM_QUERY`): every value is its textual form.
    case text
    /// The binary protocol (prepared statements): integers and floats as little-endian
    /// bytes, dates and times as packed fields, everything else as in the text protocol.
    case binary
}

/// One column value of a row, with the column it came from. ``decode(_:)`` turns it into
/// a Swift type, whichever protocol produced it.
///
/// ```swift
/// let id = try row["id"].decode(UInt64.self)
/// let price = try row["price"].decode(String.self)   // DECIMAL, exact digits
/// let note = try row["note"].decode(String?.self)    // nil for NULL
/// ```
public struct MySQLValue: Sendable {
    /// The column this value belongs to.
    public let column: MySQLColumn
    /// The raw bytes; `nil` for SQL NULL.
    public let bytes: ByteBuffer?
    /// The encoding of ``bytes``.
    public let format: MySQLFormat

    /// Creates a value.
    public init(column: MySQLColumn, bytes: ByteBuffer?, format: MySQLFormat = .text) {
        self.column = column
        self.bytes = bytes
        self.format = format
    }

    /// Whether the value is SQL NULL.
    public var isNull: Bool { bytes == nil }

    /// The value as text, or `nil` for NULL: the bytes as UTF-8, or for binary-protocol
    /// numbers, dates and times the text the text protocol would have sent.
    public var string: String? {
        guard let bytes else { return nil }
        if format == .binary, let text = binaryText(bytes) { return text }
        return String(buffer: bytes)
    }

    /// Decodes the value as `T`; throws ``MySQLDecodingError`` when the value does not fit.
    public func decode<T: MySQLDecodable>(_ type: T.Type = T.self) throws -> T {
        try T(mysqlValue: self)
    }

    /// The non-NULL bytes, or a decoding error naming `type`.
    func requireBytes(for type: Any.Type) throws -> ByteBuffer {
        guard let bytes else { throw MySQLDecodingError(value: self, type: type, reason: "the value is NULL; decode an Optional") }
        return bytes
    }

    /// Parses a decimal integer from the text form, with overflow checks. BIT columns
    /// carry big-endian bytes instead of digits.
    func parseInteger<T: FixedWidthInteger>(as type: T.Type) throws -> T {
        let bytes = try requireBytes(for: type)
        if column.type == .bit { return try bitValue(bytes, as: type) }
        if format == .binary, let integer = binaryInteger(bytes) {
            let converted: T? =
                switch integer {
                case .signed(let value): T(exactly: value)
                case .unsigned(let value): T(exactly: value)
                }
            guard let converted else { throw MySQLDecodingError(value: self, type: type, reason: "out of range") }
            return converted
        }
        if format == .binary, let text = binaryText(bytes) {
            return try MySQLValue(column: column, bytes: ByteBuffer(string: text)).parseInteger(as: type)
        }
        let view = bytes.readableBytesView
        var index = view.startIndex
        var negative = false
        if index < view.endIndex, view[index] == UInt8(ascii: "-") || view[index] == UInt8(ascii: "+") {
            negative = view[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < view.endIndex else { throw MySQLDecodingError(value: self, type: type, reason: "not an integer") }
        var result: T = 0
        while index < view.endIndex {
            let byte = view[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw MySQLDecodingError(value: self, type: type, reason: "not an integer")
            }
            let digit = T(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else {
                throw MySQLDecodingError(value: self, type: type, reason: "out of range")
            }
            result = next
            index += 1
        }
        return result
    }
}

extension MySQLValue {
    fileprivate func bitValue<T: FixedWidthInteger>(_ bytes: ByteBuffer, as type: T.Type) throws -> T {
        var value: UInt64 = 0
        for byte in bytes.readableBytesView {
            guard value >> 56 == 0 else { throw MySQLDecodingError(value: self, type: type, reason: "more than 64 bits") }
            value = value << 8 | UInt64(byte)
        }
        guard let result = T(exactly: value) else {
            throw MySQLDecodingError(value: self, type: type, reason: "out of range")
        }
        return result
    }
}

/// A value could not be decoded into the requested Swift type.
///
/// ```swift
/// catch let error as MySQLDecodingError { logger.error("\(error.column): \(error.reason)") }
/// ```
public struct MySQLDecodingError: RoostError {
    /// The column name.
    public var column: String
    /// Why decoding failed.
    public var reason: String

    /// Creates a decoding error.
    public init(column: String, reason: String) {
        self.column = column
        self.reason = reason
    }

    init(value: MySQLValue, type: Any.Type, reason: String) {
        let text = value.string.map { $0.count > 64 ? String($0.prefix(64)) + "…" : $0 } ?? "NULL"
        self.init(column: value.column.name, reason: "cannot decode '\(text)' (type \(value.column.type)) as \(type): \(reason)")
    }

    /// `mysql.decoding.failed`.
    public var code: ErrorCode { "mysql.decoding.failed" }

    /// What went wrong and what to do.
    public var message: String {
        "Column '\(column)': \(reason). Decode into a type that matches the column, or change the query."
    }
}
