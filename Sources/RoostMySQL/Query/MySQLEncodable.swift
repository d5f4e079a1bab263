import Foundation
import NIOCore

/// A Swift type that can be bound to a `?` placeholder of a prepared statement.
///
/// ```swift
/// struct UserID: MySQLEncodable {
///     var raw: UInt64
///     var mysqlParameter: MySQLParameter { .unsigned(raw) }
/// }
/// try await connection.query("SELECT * FROM users WHERE id = ?", [UserID(raw: 7)])
/// ```
public protocol MySQLEncodable: Sendable {
    /// The value as a statement parameter.
    var mysqlParameter: MySQLParameter { get }
}

extension MySQLParameter: MySQLEncodable {
    /// The parameter itself.
    public var mysqlParameter: MySQLParameter { self }
}

extension Optional: MySQLEncodable where Wrapped: MySQLEncodable {
    /// `NULL` for `nil`, otherwise the wrapped value.
    public var mysqlParameter: MySQLParameter { map(\.mysqlParameter) ?? .null }
}

extension Int: MySQLEncodable {
    /// A `BIGINT`.
    public var mysqlParameter: MySQLParameter { .int(Int64(self)) }
}
extension Int8: MySQLEncodable {
    /// A `BIGINT`.
    public var mysqlParameter: MySQLParameter { .int(Int64(self)) }
}
extension Int16: MySQLEncodable {
    /// A `BIGINT`.
    public var mysqlParameter: MySQLParameter { .int(Int64(self)) }
}
extension Int32: MySQLEncodable {
    /// A `BIGINT`.
    public var mysqlParameter: MySQLParameter { .int(Int64(self)) }
}
extension Int64: MySQLEncodable {
    /// A `BIGINT`.
    public var mysqlParameter: MySQLParameter { .int(self) }
}
extension UInt: MySQLEncodable {
    /// A `BIGINT UNSIGNED`.
    public var mysqlParameter: MySQLParameter { .unsigned(UInt64(self)) }
}
extension UInt8: MySQLEncodable {
    /// A `BIGINT UNSIGNED`.
    public var mysqlParameter: MySQLParameter { .unsigned(UInt64(self)) }
}
extension UInt16: MySQLEncodable {
    /// A `BIGINT UNSIGNED`.
    public var mysqlParameter: MySQLParameter { .unsigned(UInt64(self)) }
}
extension UInt32: MySQLEncodable {
    /// A `BIGINT UNSIGNED`.
    public var mysqlParameter: MySQLParameter { .unsigned(UInt64(self)) }
}
extension UInt64: MySQLEncodable {
    /// A `BIGINT UNSIGNED`.
    public var mysqlParameter: MySQLParameter { .unsigned(self) }
}

extension Bool: MySQLEncodable {
    /// A `TINYINT` 1 or 0.
    public var mysqlParameter: MySQLParameter { MySQLParameter(.bool(self)) }
}

extension Double: MySQLEncodable {
    /// A `DOUBLE`.
    public var mysqlParameter: MySQLParameter { MySQLParameter(.double(self)) }
}

extension Float: MySQLEncodable {
    /// A `FLOAT`.
    public var mysqlParameter: MySQLParameter { MySQLParameter(.float(self)) }
}

extension String: MySQLEncodable {
    /// Text.
    public var mysqlParameter: MySQLParameter { .string(self) }
}

extension Substring: MySQLEncodable {
    /// Text.
    public var mysqlParameter: MySQLParameter { .string(String(self)) }
}

extension ByteBuffer: MySQLEncodable {
    /// Raw bytes.
    public var mysqlParameter: MySQLParameter { .bytes(self) }
}

extension Data: MySQLEncodable {
    /// Raw bytes.
    public var mysqlParameter: MySQLParameter { .bytes(ByteBuffer(bytes: self)) }
}

extension Array: MySQLEncodable where Element == UInt8 {
    /// Raw bytes.
    public var mysqlParameter: MySQLParameter { .bytes(ByteBuffer(bytes: self)) }
}

extension Decimal: MySQLEncodable {
    /// A `DECIMAL`, sent as its exact decimal text.
    public var mysqlParameter: MySQLParameter { .decimalText(description) }
}

extension Date: MySQLEncodable {
    /// A `DATETIME(6)` holding this instant in UTC, to the microsecond (rounded down).
    public var mysqlParameter: MySQLParameter { .dateTime(MySQLDateTime(utc: self)) }
}

extension UUID: MySQLEncodable {
    /// 16 raw bytes, the layout of a `BINARY(16)` column. Bind `uuidString` instead for
    /// `CHAR(36)` columns or MariaDB's `UUID` type.
    public var mysqlParameter: MySQLParameter {
        withUnsafeBytes(of: uuid) { .bytes(ByteBuffer(bytes: $0)) }
    }
}

extension MySQLDateTime: MySQLEncodable {
    /// A `DATETIME` with these fields.
    public var mysqlParameter: MySQLParameter { .dateTime(self) }
}

extension MySQLTime: MySQLEncodable {
    /// A `TIME`.
    public var mysqlParameter: MySQLParameter { .time(self) }
}
