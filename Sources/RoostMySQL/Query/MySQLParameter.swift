import Foundation
import NIOCore

/// One value bound to a `?` placeholder of a prepared statement, in the binary form the
/// server receives.
///
/// Swift values become parameters through ``MySQLEncodable``; build one directly only
/// for a type that has no conformance.
///
/// | Swift | sent as |
/// |---|---|
/// | `Int`, `Int8`…`Int64` | `BIGINT` |
/// | `UInt`, `UInt8`…`UInt64` | `BIGINT UNSIGNED` (the full range) |
/// | `Bool` | `TINYINT` 0 or 1 |
/// | `Double`, `Float` | `DOUBLE`, `FLOAT` |
/// | `String` | text (utf8mb4) |
/// | `Data`, `[UInt8]`, `ByteBuffer` | `BLOB` bytes |
/// | `Decimal` | `DECIMAL` text, exact |
/// | `Date` | `DATETIME(6)` in UTC |
/// | `UUID` | 16 raw bytes, for `BINARY(16)` columns (bind `uuid.uuidString` for `CHAR(36)` or MariaDB's `UUID` type) |
/// | `nil` | `NULL` |
///
/// ```swift
/// try await connection.query("INSERT INTO t (id, price) VALUES (?, ?)", [UInt64.max, MySQLParameter.null])
/// ```
public struct MySQLParameter: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case null
        case int(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case double(Double)
        case float(Float)
        case string(String)
        case bytes(ByteBuffer)
        case decimal(String)
        case dateTime(MySQLDateTime)
        case time(MySQLTime)
    }

    let storage: Storage

    init(_ storage: Storage) { self.storage = storage }

    /// SQL `NULL`.
    public static let null = MySQLParameter(.null)
    /// A signed integer.
    public static func int(_ value: Int64) -> MySQLParameter { MySQLParameter(.int(value)) }
    /// An unsigned integer.
    public static func unsigned(_ value: UInt64) -> MySQLParameter { MySQLParameter(.unsigned(value)) }
    /// Text.
    public static func string(_ value: String) -> MySQLParameter { MySQLParameter(.string(value)) }
    /// Raw bytes.
    public static func bytes(_ value: ByteBuffer) -> MySQLParameter { MySQLParameter(.bytes(value)) }
    /// A DECIMAL written as text such as `-12.50`; the server parses it exactly.
    public static func decimalText(_ value: String) -> MySQLParameter { MySQLParameter(.decimal(value)) }
    /// Calendar fields, sent as `DATETIME`.
    public static func dateTime(_ value: MySQLDateTime) -> MySQLParameter { MySQLParameter(.dateTime(value)) }
    /// A signed duration, sent as `TIME`.
    public static func time(_ value: MySQLTime) -> MySQLParameter { MySQLParameter(.time(value)) }

    /// Whether this is SQL NULL.
    public var isNull: Bool { storage == .null }

    /// The `MYSQL_TYPE_*` byte and the unsigned flag (0x80) sent in the parameter types.
    var wireType: (type: MySQLColumnType, flags: UInt8) {
        switch storage {
        case .null: return (.null, 0)
        case .int: return (.longLong, 0)
        case .unsigned: return (.longLong, 0x80)
        case .bool: return (.tiny, 0)
        case .double: return (.double, 0)
        case .float: return (.float, 0)
        case .string: return (.string, 0)
        case .bytes: return (.blob, 0)
        case .decimal: return (.newDecimal, 0)
        case .dateTime: return (.datetime, 0)
        case .time: return (.time, 0)
        }
    }

    /// The most bytes ``encodeValue(into:)`` writes (a length prefix counts as its
    /// largest, 9 bytes), to size the statement's buffer once.
    var encodedLengthBound: Int {
        switch storage {
        case .null: 0
        case .int, .unsigned, .double: 8
        case .float: 4
        case .bool: 1
        case .string(let value): 9 + value.utf8.count
        case .bytes(let value): 9 + value.readableBytes
        case .decimal(let value): 9 + value.utf8.count
        case .dateTime: 12
        case .time: 13
        }
    }

    /// Writes the value (nothing for NULL, which lives in the NULL bitmap).
    func encodeValue(into buffer: inout ByteBuffer) {
        switch storage {
        case .null: break
        case .int(let value): buffer.writeMySQLInteger(value)
        case .unsigned(let value): buffer.writeMySQLInteger(value)
        case .bool(let value): buffer.writeInteger(UInt8(value ? 1 : 0))
        case .double(let value): buffer.writeMySQLInteger(value.bitPattern)
        case .float(let value): buffer.writeMySQLInteger(value.bitPattern)
        case .string(let value):
            buffer.writeLengthEncodedInteger(UInt64(value.utf8.count))
            buffer.writeString(value)
        case .bytes(var value):
            buffer.writeLengthEncodedInteger(UInt64(value.readableBytes))
            buffer.writeBuffer(&value)
        case .decimal(let value): buffer.writeLengthEncodedString(value)
        case .dateTime(let value):
            buffer.writeInteger(UInt8(11))
            buffer.writeMySQLInteger(UInt16(clamping: value.year))
            for field in [value.month, value.day, value.hour, value.minute, value.second] {
                buffer.writeInteger(UInt8(clamping: field))
            }
            buffer.writeMySQLInteger(UInt32(clamping: value.microsecond))
        case .time(let value):
            buffer.writeInteger(UInt8(12))
            buffer.writeInteger(UInt8(value.isNegative ? 1 : 0))
            buffer.writeMySQLInteger(UInt32(clamping: value.hours / 24))
            for field in [value.hours % 24, value.minutes, value.seconds] { buffer.writeInteger(UInt8(clamping: field)) }
            buffer.writeMySQLInteger(UInt32(clamping: value.microseconds))
        }
    }
}

/// The body of `COM_STMT_EXECUTE`.
enum MySQLExecutePayload {
    static func encode(statementID: UInt32, parameters: [MySQLParameter], into buffer: inout ByteBuffer) {
        // One allocation for the whole payload: header, null bitmap, types, values.
        let bitmapBytes = (parameters.count + 7) / 8
        buffer.reserveCapacity(
            minimumWritableBytes: 10 + bitmapBytes + 1 + 2 * parameters.count
                + parameters.reduce(0) { $0 + $1.encodedLengthBound })
        buffer.writeInteger(UInt8(0x17))
        buffer.writeMySQLInteger(statementID)
        buffer.writeInteger(UInt8(0))  // CURSOR_TYPE_NO_CURSOR
        buffer.writeMySQLInteger(UInt32(1))  // iteration count
        guard !parameters.isEmpty else { return }
        var bits: UInt8 = 0
        for (index, parameter) in parameters.enumerated() {
            if parameter.isNull { bits |= 1 << UInt8(index % 8) }
            if index % 8 == 7 || index == parameters.count - 1 {
                buffer.writeInteger(bits)
                bits = 0
            }
        }
        buffer.writeInteger(UInt8(1))  // new-params-bound: types follow
        for parameter in parameters {
            let wire = parameter.wireType
            buffer.writeInteger(wire.type.rawValue)
            buffer.writeInteger(wire.flags)
        }
        for parameter in parameters { parameter.encodeValue(into: &buffer) }
    }
}
