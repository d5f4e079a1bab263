import NIOCore

/// The type of a result column, as the server reports it (`MYSQL_TYPE_*`).
///
/// ```swift
/// if result.columns[0].type == .longLong { … }
/// ```
public struct MySQLColumnType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The protocol's type byte.
    public var rawValue: UInt8
    /// Creates a type from its protocol byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `DECIMAL` (old format).
    public static let decimal = Self(rawValue: 0x00)
    /// `TINYINT`.
    public static let tiny = Self(rawValue: 0x01)
    /// `SMALLINT`.
    public static let short = Self(rawValue: 0x02)
    /// `INT`.
    public static let long = Self(rawValue: 0x03)
    /// `FLOAT`.
    public static let float = Self(rawValue: 0x04)
    /// `DOUBLE`.
    public static let double = Self(rawValue: 0x05)
    /// `NULL` literal.
    public static let null = Self(rawValue: 0x06)
    /// `TIMESTAMP`.
    public static let timestamp = Self(rawValue: 0x07)
    /// `BIGINT`.
    public static let longLong = Self(rawValue: 0x08)
    /// `MEDIUMINT`.
    public static let int24 = Self(rawValue: 0x09)
    /// `DATE`.
    public static let date = Self(rawValue: 0x0A)
    /// `TIME`.
    public static let time = Self(rawValue: 0x0B)
    /// `DATETIME`.
    public static let datetime = Self(rawValue: 0x0C)
    /// `YEAR`.
    public static let year = Self(rawValue: 0x0D)
    /// `VARCHAR` (internal).
    public static let varchar = Self(rawValue: 0x0F)
    /// `BIT`.
    public static let bit = Self(rawValue: 0x10)
    /// `JSON` (MySQL).
    public static let json = Self(rawValue: 0xF5)
    /// `DECIMAL` / `NUMERIC`.
    public static let newDecimal = Self(rawValue: 0xF6)
    /// `ENUM`.
    public static let `enum` = Self(rawValue: 0xF7)
    /// `SET`.
    public static let set = Self(rawValue: 0xF8)
    /// `TINYBLOB` / `TINYTEXT`.
    public static let tinyBlob = Self(rawValue: 0xF9)
    /// `MEDIUMBLOB` / `MEDIUMTEXT`.
    public static let mediumBlob = Self(rawValue: 0xFA)
    /// `LONGBLOB` / `LONGTEXT`.
    public static let longBlob = Self(rawValue: 0xFB)
    /// `BLOB` / `TEXT`.
    public static let blob = Self(rawValue: 0xFC)
    /// `VARCHAR` / `VARBINARY`.
    public static let varString = Self(rawValue: 0xFD)
    /// `CHAR` / `BINARY` / `ENUM` / `SET` in results.
    public static let string = Self(rawValue: 0xFE)
    /// `GEOMETRY`.
    public static let geometry = Self(rawValue: 0xFF)

    /// `MYSQL_TYPE_` number in hexadecimal.
    public var description: String { "0x" + String(rawValue, radix: 16) }

    /// Whether values of this type are integers in the protocol.
    var isInteger: Bool { [.tiny, .short, .long, .longLong, .int24, .year].contains(self) }
}

/// Column flags (`NOT NULL`, `UNSIGNED`, `BINARY`, …).
public struct MySQLColumnFlags: OptionSet, Sendable, Hashable {
    /// The raw flags.
    public var rawValue: UInt16
    /// Creates flags from their raw value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The column cannot be NULL.
    public static let notNull = Self(rawValue: 0x0001)
    /// The column is (part of) the primary key.
    public static let primaryKey = Self(rawValue: 0x0002)
    /// The column is (part of) a unique key.
    public static let uniqueKey = Self(rawValue: 0x0004)
    /// The column is part of a non-unique key.
    public static let multipleKey = Self(rawValue: 0x0008)
    /// The column is a BLOB or TEXT.
    public static let blob = Self(rawValue: 0x0010)
    /// The integer column is UNSIGNED.
    public static let unsigned = Self(rawValue: 0x0020)
    /// The column is ZEROFILL.
    public static let zeroFill = Self(rawValue: 0x0040)
    /// The column holds binary data (binary collation).
    public static let binary = Self(rawValue: 0x0080)
    /// The column is an ENUM.
    public static let `enum` = Self(rawValue: 0x0100)
    /// The column is AUTO_INCREMENT.
    public static let autoIncrement = Self(rawValue: 0x0200)
    /// The column is a TIMESTAMP.
    public static let timestamp = Self(rawValue: 0x0400)
    /// The column is a SET.
    public static let set = Self(rawValue: 0x0800)
}

/// The description of one result column (`ColumnDefinition41`).
public struct MySQLColumn: Sendable, Hashable {
    /// The database of the underlying table.
    public var schema: String
    /// The table alias.
    public var table: String
    /// The table's real name.
    public var originalTable: String
    /// The column name or alias, as used to look values up by name in a ``MySQLRow``.
    public var name: String
    /// The column's real name.
    public var originalName: String
    /// The collation id of the column (63 means binary).
    public var characterSet: UInt16
    /// The maximum display length.
    public var length: UInt32
    /// The column type.
    public var type: MySQLColumnType
    /// The column flags.
    public var flags: MySQLColumnFlags
    /// The number of decimals (for DECIMAL, DOUBLE and fractional seconds).
    public var decimals: UInt8

    /// Creates a column description.
    public init(
        schema: String = "", table: String = "", originalTable: String = "", name: String,
        originalName: String = "", characterSet: UInt16 = 45, length: UInt32 = 0, type: MySQLColumnType,
        flags: MySQLColumnFlags = [], decimals: UInt8 = 0
    ) {
        self.schema = schema
        self.table = table
        self.originalTable = originalTable
        self.name = name
        self.originalName = originalName
        self.characterSet = characterSet
        self.length = length
        self.type = type
        self.flags = flags
        self.decimals = decimals
    }

    /// Decodes a `ColumnDefinition41` payload.
    init(payload: ByteBuffer) throws {
        var buffer = payload
        _ = try buffer.readLengthEncodedSlice("column catalog")
        schema = try buffer.readLengthEncodedString("column schema")
        table = try buffer.readLengthEncodedString("column table")
        originalTable = try buffer.readLengthEncodedString("column original table")
        name = try buffer.readLengthEncodedString("column name")
        originalName = try buffer.readLengthEncodedString("column original name")
        let fixedLength = try buffer.readLengthEncodedInteger("column fixed fields length")
        guard fixedLength >= 10, fixedLength <= UInt64(buffer.readableBytes) else {
            throw MySQLProtocolError(.malformed, "column definition fixed fields length \(fixedLength)")
        }
        characterSet = try buffer.readMySQLInteger("column character set")
        length = try buffer.readMySQLInteger("column length")
        type = MySQLColumnType(rawValue: try buffer.readMySQLInteger("column type"))
        flags = MySQLColumnFlags(rawValue: try buffer.readMySQLInteger("column flags"))
        decimals = try buffer.readMySQLInteger("column decimals")
    }

    /// Encodes the column as a server would (used by tests that play the server).
    func encode(into buffer: inout ByteBuffer) {
        buffer.writeLengthEncodedString("def")
        for field in [schema, table, originalTable, name, originalName] { buffer.writeLengthEncodedString(field) }
        buffer.writeLengthEncodedInteger(0x0C)
        buffer.writeMySQLInteger(characterSet)
        buffer.writeMySQLInteger(length)
        buffer.writeInteger(type.rawValue)
        buffer.writeMySQLInteger(flags.rawValue)
        buffer.writeInteger(decimals)
        buffer.writeRepeatingByte(0, count: 2)
    }
}
