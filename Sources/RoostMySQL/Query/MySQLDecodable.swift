import Foundation
import NIOCore

/// A Swift type that can be decoded from a column value.
///
/// ```swift
/// extension UserID: MySQLDecodable {
///     init(mysqlValue: MySQLValue) throws { self.init(try UInt64(mysqlValue: mysqlValue)) }
/// }
/// ```
public protocol MySQLDecodable: Sendable {
    /// Decodes `mysqlValue`; throws ``MySQLDecodingError`` when it does not fit.
    init(mysqlValue: MySQLValue) throws
}

extension Optional: MySQLDecodable where Wrapped: MySQLDecodable {
    /// `nil` for SQL NULL, otherwise the decoded wrapped value.
    public init(mysqlValue: MySQLValue) throws {
        self = mysqlValue.isNull ? nil : try Wrapped(mysqlValue: mysqlValue)
    }
}

extension String: MySQLDecodable {
    /// The text form of any non-NULL value (DECIMAL keeps every digit).
    public init(mysqlValue: MySQLValue) throws {
        self = try mysqlValue.requireText(for: String.self)
    }
}

extension ByteBuffer: MySQLDecodable {
    /// The raw bytes of any non-NULL value.
    public init(mysqlValue: MySQLValue) throws {
        self = try mysqlValue.requireBytes(for: ByteBuffer.self)
    }
}

extension Array: MySQLDecodable where Element == UInt8 {
    /// The raw bytes of any non-NULL value.
    public init(mysqlValue: MySQLValue) throws {
        self = Array(try mysqlValue.requireBytes(for: [UInt8].self).readableBytesView)
    }
}

extension Bool: MySQLDecodable {
    /// `false` for 0, `true` for any other integer (`TINYINT(1)`, `BOOLEAN`).
    public init(mysqlValue: MySQLValue) throws {
        self = try mysqlValue.parseInteger(as: Int64.self) != 0
    }
}

extension Int: MySQLDecodable {
    /// A signed integer column value; throws when it is out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: Int.self) }
}
extension Int8: MySQLDecodable {
    /// A signed integer column value; throws when it is out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: Int8.self) }
}
extension Int16: MySQLDecodable {
    /// A signed integer column value; throws when it is out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: Int16.self) }
}
extension Int32: MySQLDecodable {
    /// A signed integer column value; throws when it is out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: Int32.self) }
}
extension Int64: MySQLDecodable {
    /// A signed integer column value; throws when it is out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: Int64.self) }
}
extension UInt: MySQLDecodable {
    /// An unsigned integer column value; throws when it is negative or out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: UInt.self) }
}
extension UInt8: MySQLDecodable {
    /// An unsigned integer column value; throws when it is negative or out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: UInt8.self) }
}
extension UInt16: MySQLDecodable {
    /// An unsigned integer column value; throws when it is negative or out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: UInt16.self) }
}
extension UInt32: MySQLDecodable {
    /// An unsigned integer column value; throws when it is negative or out of range.
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: UInt32.self) }
}
extension UInt64: MySQLDecodable {
    /// An unsigned integer column value (the full `BIGINT UNSIGNED` range).
    public init(mysqlValue: MySQLValue) throws { self = try mysqlValue.parseInteger(as: UInt64.self) }
}

extension Double: MySQLDecodable {
    /// A DOUBLE, FLOAT, DECIMAL or integer value as a binary floating-point number.
    public init(mysqlValue: MySQLValue) throws {
        let bytes = try mysqlValue.requireBytes(for: Double.self)
        if mysqlValue.format == .binary, let value = mysqlValue.binaryFloatingPoint(bytes) {
            self = value
            return
        }
        guard let value = Double(try mysqlValue.requireText(for: Double.self)) else {
            throw MySQLDecodingError(value: mysqlValue, type: Double.self, reason: "not a number")
        }
        self = value
    }
}

extension Float: MySQLDecodable {
    /// A FLOAT, DOUBLE, DECIMAL or integer value as a single-precision number.
    public init(mysqlValue: MySQLValue) throws {
        let bytes = try mysqlValue.requireBytes(for: Float.self)
        if mysqlValue.format == .binary, let value = mysqlValue.binaryFloatingPoint(bytes) {
            self = Float(value)
            return
        }
        guard let value = Float(try mysqlValue.requireText(for: Float.self)) else {
            throw MySQLDecodingError(value: mysqlValue, type: Float.self, reason: "not a number")
        }
        self = value
    }
}

extension Decimal: MySQLDecodable {
    /// A DECIMAL (or integer) value, exactly. `Decimal` holds 38 significant digits;
    /// wider values throw rather than round: decode them as `String`.
    public init(mysqlValue: MySQLValue) throws {
        let text = try mysqlValue.requireText(for: Decimal.self)
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw MySQLDecodingError(value: mysqlValue, type: Decimal.self, reason: "not a decimal number")
        }
        // Digits that must survive: from the first non-zero digit to the last digit,
        // ignoring trailing zeros after the decimal point.
        var digits = Substring(text.filter(\.isNumber)).drop { $0 == "0" }
        if text.contains(".") {
            while digits.last == "0" { digits.removeLast() }
        }
        guard digits.count <= 38 else {
            throw MySQLDecodingError(
                value: mysqlValue, type: Decimal.self, reason: "more than 38 significant digits; decode as String to keep them")
        }
        self = value
    }
}

extension Data: MySQLDecodable {
    /// The raw bytes of any non-NULL value (BLOB, BINARY, GEOMETRY, …).
    public init(mysqlValue: MySQLValue) throws {
        self = Data(try mysqlValue.requireBytes(for: Data.self).readableBytesView)
    }
}

extension UUID: MySQLDecodable {
    /// A UUID stored as 16 raw bytes (`BINARY(16)`) or as 36-character text
    /// (`CHAR(36)`, MariaDB's `UUID` type).
    public init(mysqlValue: MySQLValue) throws {
        let bytes = try mysqlValue.requireBytes(for: UUID.self)
        if bytes.readableBytes == 16 {
            let b = Array(bytes.readableBytesView)
            self = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
            return
        }
        guard let uuid = UUID(uuidString: String(buffer: bytes)) else {
            throw MySQLDecodingError(value: mysqlValue, type: UUID.self, reason: "neither 16 bytes nor a UUID string")
        }
        self = uuid
    }
}
