import NIOCore

/// One reply from a Redis server, decoded from RESP2 or RESP3.
///
/// Strings are slices of the receive buffer: decoding copies no payload bytes. Both
/// protocol versions decode into the same cases, so RESP2's `$-1` and `*-1` and RESP3's
/// `_` are all ``null``.
///
/// ```swift
/// let reply = try await connection.send("GET", "greeting")
/// if case .bulkString(let bytes) = reply { print(String(buffer: bytes)) }
/// print(reply.string ?? "(nil)")
/// ```
public enum RESPValue: Hashable, Sendable {
    /// A key and a value of a RESP3 map or attribute.
    public struct Pair: Hashable, Sendable {
        /// The key.
        public var key: RESPValue
        /// The value.
        public var value: RESPValue
        /// Creates a pair.
        public init(key: RESPValue, value: RESPValue) {
            self.key = key
            self.value = value
        }
    }

    /// `+OK`: a short, binary-unsafe string.
    case simpleString(ByteBuffer)
    /// `$5 hello`: a binary-safe string.
    case bulkString(ByteBuffer)
    /// `=15 txt:Some string`: a string with a three-letter format (`txt`, `mkd`).
    case verbatimString(format: String, ByteBuffer)
    /// `-ERR message`: an error reply. The connection throws ``RedisServerError`` when a
    /// command's whole reply is an error; errors nested in aggregates (`EXEC`) stay values.
    case simpleError(ByteBuffer)
    /// `!21 SYNTAX invalid syntax`: a binary-safe error reply.
    case bulkError(ByteBuffer)
    /// `:42`: a signed 64-bit integer.
    case integer(Int64)
    /// `,3.14`, `,inf`, `,-inf`, `,nan`: a double.
    case double(Double)
    /// `#t` or `#f`.
    case boolean(Bool)
    /// `_`, `$-1` or `*-1`: no value.
    case null
    /// `(3492890328409238509324850943850943825024385`: an integer of any size, as its
    /// ASCII digits with an optional sign.
    case bigNumber(ByteBuffer)
    /// `*2 ...`: an ordered list.
    case array([RESPValue])
    /// `%2 ...`: key-value pairs, in the order the server sent them.
    case map([Pair])
    /// `~2 ...`: an unordered collection.
    case set([RESPValue])
    /// `>3 message ...`: an out-of-band message (pub/sub, client-side caching), not a reply
    /// to a command.
    case push([RESPValue])
    /// `|1 ...`: auxiliary data the server attached to the value that follows it.
    indirect case attributed(attributes: [Pair], value: RESPValue)
}

extension RESPValue {
    /// A short name of this value's type, for error messages.
    public var typeName: String {
        switch self {
        case .simpleString: "simple string"
        case .bulkString: "bulk string"
        case .verbatimString: "verbatim string"
        case .simpleError: "simple error"
        case .bulkError: "bulk error"
        case .integer: "integer"
        case .double: "double"
        case .boolean: "boolean"
        case .null: "null"
        case .bigNumber: "big number"
        case .array: "array"
        case .map: "map"
        case .set: "set"
        case .push: "push"
        case .attributed(_, let value): "attributed \(value.typeName)"
        }
    }

    /// The value with any attributes the server attached removed (at the top level).
    public var withoutAttributes: RESPValue {
        var value = self
        while case .attributed(_, let inner) = value { value = inner }
        return value
    }

    /// The string payload of a simple, bulk or verbatim string, or `nil`.
    public var bytes: ByteBuffer? {
        switch withoutAttributes {
        case .simpleString(let bytes), .bulkString(let bytes), .verbatimString(_, let bytes): bytes
        default: nil
        }
    }

    /// The payload of a simple, bulk or verbatim string decoded as UTF-8, or `nil`.
    public var string: String? { bytes.map { String(buffer: $0) } }

    /// The integer value, also from a string holding an integer (RESP2 replies), or `nil`.
    public var integer: Int64? {
        switch withoutAttributes {
        case .integer(let value): value
        case .simpleString, .bulkString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The double value, also from an integer or a string holding a number, or `nil`.
    public var double: Double? {
        switch withoutAttributes {
        case .double(let value): value
        case .integer(let value): Double(value)
        case .simpleString, .bulkString: string.flatMap { Double($0) }
        default: nil
        }
    }

    /// The elements of an array, set or push, or `nil`.
    public var array: [RESPValue]? {
        switch withoutAttributes {
        case .array(let values), .set(let values), .push(let values): values
        default: nil
        }
    }

    /// Whether this is ``null``.
    public var isNull: Bool { withoutAttributes == .null }

    /// The message of a simple or bulk error, or `nil`.
    public var errorMessage: String? {
        switch withoutAttributes {
        case .simpleError(let bytes), .bulkError(let bytes): String(buffer: bytes)
        default: nil
        }
    }
}
