import NIOCore

/// Readers and writers for the primitive encodings of the MySQL protocol. Readers throw
/// ``MySQLProtocolError`` instead of returning `nil`, so a packet decoder reads top to
/// bottom and every truncation surfaces with the name of the missing field.
extension ByteBuffer {
    /// Reads a little-endian fixed-size integer.
    mutating func readMySQLInteger<T: FixedWidthInteger>(as: T.Type = T.self, _ field: String) throws -> T {
        guard let value = readInteger(endianness: .little, as: T.self) else { throw MySQLProtocolError.truncated(field) }
        return value
    }

    /// Reads a 3-byte little-endian integer.
    mutating func readMySQLUInt24(_ field: String) throws -> UInt32 {
        guard let bytes = readBytes(length: 3) else { throw MySQLProtocolError.truncated(field) }
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
    }

    /// Writes a little-endian fixed-size integer.
    mutating func writeMySQLInteger<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .little)
    }

    /// Writes a 3-byte little-endian integer; `value` must be below 2^24.
    mutating func writeMySQLUInt24(_ value: UInt32) {
        precondition(value <= 0xFF_FFFF, "3-byte integer out of range")
        writeInteger(UInt8(truncatingIfNeeded: value))
        writeInteger(UInt8(truncatingIfNeeded: value >> 8))
        writeInteger(UInt8(truncatingIfNeeded: value >> 16))
    }

    /// Reads a length-encoded integer. Returns `nil` for the `0xFB` marker, which means
    /// SQL NULL in rows; `0xFF` is never a valid first byte.
    mutating func readLengthEncodedIntegerOrNull(_ field: String) throws -> UInt64? {
        let first: UInt8 = try readMySQLInteger(field)
        switch first {
        case 0..<0xFB: return UInt64(first)
        case 0xFB: return nil
        case 0xFC: return UInt64(try readMySQLInteger(as: UInt16.self, field))
        case 0xFD: return UInt64(try readMySQLUInt24(field))
        case 0xFE: return try readMySQLInteger(as: UInt64.self, field)
        default: throw MySQLProtocolError(.malformed, "invalid length-encoded integer prefix 0xFF in \(field)")
        }
    }

    /// Reads a length-encoded integer where NULL is not allowed.
    mutating func readLengthEncodedInteger(_ field: String) throws -> UInt64 {
        guard let value = try readLengthEncodedIntegerOrNull(field) else {
            throw MySQLProtocolError(.malformed, "unexpected NULL marker in \(field)")
        }
        return value
    }

    /// Writes a length-encoded integer, using the shortest form.
    mutating func writeLengthEncodedInteger(_ value: UInt64) {
        switch value {
        case 0..<0xFB:
            writeInteger(UInt8(value))
        case 0xFB...0xFFFF:
            writeInteger(UInt8(0xFC))
            writeMySQLInteger(UInt16(value))
        case 0x1_0000...0xFF_FFFF:
            writeInteger(UInt8(0xFD))
            writeMySQLUInt24(UInt32(value))
        default:
            writeInteger(UInt8(0xFE))
            writeMySQLInteger(value)
        }
    }

    /// Reads a length-encoded byte string as a slice; the `0xFB` marker gives `nil`.
    /// The length is checked against the readable bytes before anything is allocated.
    mutating func readLengthEncodedSliceOrNull(_ field: String) throws -> ByteBuffer? {
        guard let length = try readLengthEncodedIntegerOrNull(field) else { return nil }
        guard length <= UInt64(readableBytes), let slice = readSlice(length: Int(length)) else {
            throw MySQLProtocolError(.malformed, "\(field) claims \(length) bytes but \(readableBytes) remain")
        }
        return slice
    }

    /// Reads a length-encoded byte string as a slice.
    mutating func readLengthEncodedSlice(_ field: String) throws -> ByteBuffer {
        guard let slice = try readLengthEncodedSliceOrNull(field) else {
            throw MySQLProtocolError(.malformed, "unexpected NULL marker in \(field)")
        }
        return slice
    }

    /// Reads a length-encoded UTF-8 string.
    mutating func readLengthEncodedString(_ field: String) throws -> String {
        var slice = try readLengthEncodedSlice(field)
        return slice.readString(length: slice.readableBytes) ?? ""
    }

    /// Writes bytes prefixed by their length-encoded length.
    mutating func writeLengthEncodedBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        writeLengthEncodedInteger(UInt64(bytes.count))
        writeBytes(bytes)
    }

    /// Writes a UTF-8 string prefixed by its length-encoded length.
    mutating func writeLengthEncodedString(_ string: String) {
        writeLengthEncodedBytes(Array(string.utf8))
    }

    /// Reads a NUL-terminated string and consumes the terminator.
    mutating func readNullTerminatedMySQLString(_ field: String) throws -> String {
        guard let nul = readableBytesView.firstIndex(of: 0) else { throw MySQLProtocolError.truncated(field) }
        let string = readString(length: nul - readerIndex) ?? ""
        moveReaderIndex(forwardBy: 1)
        return string
    }

    /// Reads all remaining bytes as a UTF-8 string (for `string<EOF>` fields).
    mutating func readRestAsString() -> String {
        readString(length: readableBytes) ?? ""
    }

    /// Reads exactly `length` bytes.
    mutating func readMySQLBytes(length: Int, _ field: String) throws -> [UInt8] {
        guard let bytes = readBytes(length: length) else { throw MySQLProtocolError.truncated(field) }
        return bytes
    }
}
