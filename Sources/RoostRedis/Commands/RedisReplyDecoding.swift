import NIOCore

/// Reply decoding shared by the typed command families.
extension RedisConnection {
    static func array(_ reply: RESPValue) throws -> [RESPValue] {
        guard let values = reply.array else { throw RedisProtocolError.unexpected(reply, expected: "an array") }
        return values
    }

    static func bytesArray(_ reply: RESPValue) throws -> [ByteBuffer] {
        try array(reply).map { value in
            guard let bytes = value.bytes else { throw RedisProtocolError.unexpected(value, expected: "a string") }
            return bytes
        }
    }

    static func optionalBytesArray(_ reply: RESPValue) throws -> [ByteBuffer?] {
        try array(reply).map { try optionalBytes($0) }
    }

    /// A reply of `0` or `1` (RESP3 servers may also send a boolean).
    static func flag(_ reply: RESPValue) throws -> Bool {
        switch reply.withoutAttributes {
        case .integer(let value): return value != 0
        case .boolean(let value): return value
        default: throw RedisProtocolError.unexpected(reply, expected: "0 or 1")
        }
    }

    /// Field-value pairs: a RESP3 map, or a flat RESP2 array `[field, value, field, value…]`.
    static func pairs(_ reply: RESPValue) throws -> [(key: ByteBuffer, value: RESPValue)] {
        switch reply.withoutAttributes {
        case .map(let pairs):
            return try pairs.map { pair in
                guard let key = pair.key.bytes else {
                    throw RedisProtocolError.unexpected(pair.key, expected: "a string")
                }
                return (key, pair.value)
            }
        case .array(let values):
            guard values.count.isMultiple(of: 2) else {
                throw RedisProtocolError(
                    .unexpectedReply, "expected field-value pairs, got an array of \(values.count) elements")
            }
            return try stride(from: 0, to: values.count, by: 2).map { index in
                guard let key = values[index].bytes else {
                    throw RedisProtocolError.unexpected(values[index], expected: "a string")
                }
                return (key, values[index + 1])
            }
        default:
            throw RedisProtocolError.unexpected(reply, expected: "a map or an array of pairs")
        }
    }
}
