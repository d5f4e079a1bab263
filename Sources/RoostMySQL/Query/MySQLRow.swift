import NIOCore

/// One row of a result: the raw value of every column, addressable by index or by column
/// name. Rows from the text protocol (``MySQLConnection/query(_:)``) and from prepared
/// statements (binary protocol) decode the same way.
///
/// ```swift
/// let name: String? = try row["name"].decode(String?.self)
/// let count = try row[0].decode(Int.self)
/// ```
public struct MySQLRow: Sendable {
    /// The columns of the result this row belongs to.
    public let columns: [MySQLColumn]
    /// The raw bytes of each value; `nil` is SQL NULL.
    public let values: [ByteBuffer?]
    /// The protocol encoding of ``values``.
    public let format: MySQLFormat

    /// Creates a row; `values` must have one entry per column.
    public init(columns: [MySQLColumn], values: [ByteBuffer?], format: MySQLFormat = .text) {
        precondition(columns.count == values.count, "a row needs one value per column")
        self.columns = columns
        self.values = values
        self.format = format
    }

    /// Decodes a text-protocol row (`ProtocolText::ResultsetRow`).
    init(textPayload payload: ByteBuffer, columns: [MySQLColumn]) throws {
        var buffer = payload
        var values: [ByteBuffer?] = []
        values.reserveCapacity(columns.count)
        for index in columns.indices {
            values.append(try buffer.readLengthEncodedSliceOrNull("value of column \(index)"))
        }
        guard buffer.readableBytes == 0 else {
            throw MySQLProtocolError(.malformed, "row has \(buffer.readableBytes) bytes after its \(columns.count) values")
        }
        self.columns = columns
        self.values = values
        self.format = .text
    }

    /// The number of values.
    public var count: Int { values.count }

    /// The value at `index`.
    public subscript(index: Int) -> MySQLValue {
        MySQLValue(column: columns[index], bytes: values[index], format: format)
    }

    /// The value of the first column named `name`; throws when no column has that name.
    public subscript(name: String) -> MySQLValue {
        get throws {
            guard let index = columns.firstIndex(where: { $0.name == name }) else {
                throw MySQLDecodingError(column: name, reason: "the result has no such column (columns: \(columns.map(\.name).joined(separator: ", ")))")
            }
            return self[index]
        }
    }
}
