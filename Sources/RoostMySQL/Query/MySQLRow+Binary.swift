import NIOCore

extension MySQLRow {
    /// Decodes a binary-protocol row (`ProtocolBinary::ResultsetRow`): a 0x00 header, a
    /// NULL bitmap with a two-bit offset, then each non-NULL value in its binary form.
    ///
    /// Values are kept as slices: integers and floats as their little-endian bytes, dates
    /// and times as the fields after their length byte, everything else as its bytes.
    init(binaryPayload payload: ByteBuffer, columns: [MySQLColumn]) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("binary row header")
        guard header == 0 else { throw MySQLProtocolError(.malformed, "binary row header 0x\(String(header, radix: 16))") }
        let bitmap = try buffer.readMySQLBytes(length: (columns.count + 9) / 8, "binary row NULL bitmap")
        var values: [ByteBuffer?] = []
        values.reserveCapacity(columns.count)
        for (index, column) in columns.enumerated() {
            let bit = index + 2
            if bitmap[bit / 8] & (1 << UInt8(bit % 8)) != 0 {
                values.append(nil)
                continue
            }
            values.append(try Self.readBinaryValue(&buffer, column: column, index: index))
        }
        guard buffer.readableBytes == 0 else {
            throw MySQLProtocolError(.malformed, "binary row has \(buffer.readableBytes) bytes after its \(columns.count) values")
        }
        self.init(columns: columns, values: values, format: .binary)
    }

    private static func readBinaryValue(_ buffer: inout ByteBuffer, column: MySQLColumn, index: Int) throws -> ByteBuffer {
        func fixed(_ length: Int) throws -> ByteBuffer {
            guard let slice = buffer.readSlice(length: length) else {
                throw MySQLProtocolError.truncated("value of column \(index)")
            }
            return slice
        }
        switch column.type {
        case .tiny: return try fixed(1)
        case .short, .year: return try fixed(2)
        case .long, .int24, .float: return try fixed(4)
        case .longLong, .double: return try fixed(8)
        case .date, .datetime, .timestamp, .time:
            let length: UInt8 = try buffer.readMySQLInteger("length of column \(index)")
            let allowed: Set<UInt8> = column.type == .time ? [0, 8, 12] : [0, 4, 7, 11]
            guard allowed.contains(length) else {
                throw MySQLProtocolError(.malformed, "column \(index) of type \(column.type) has length \(length)")
            }
            return try fixed(Int(length))
        default:
            return try buffer.readLengthEncodedSlice("value of column \(index)")
        }
    }
}
