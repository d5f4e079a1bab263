import NIOCore

/// One argument of a Redis command, written to the wire as a bulk string.
///
/// Literals and common types convert implicitly:
///
/// ```swift
/// let command = RedisCommand("SET", "counter", 10)          // string and integer literals
/// let binary = RedisCommand("SET", "blob", .bytes(buffer))  // bytes, written without copying to a String
/// ```
public enum RedisArgument: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral
{
    /// A UTF-8 string.
    case string(String)
    /// Raw bytes.
    case bytes(ByteBuffer)
    /// An integer, written in decimal.
    case integer(Int64)
    /// A double, written in Redis's notation (`inf`, `-inf` for infinities).
    case double(Double)

    /// Creates a string argument from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates an integer argument from a literal.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// Creates a double argument from a literal.
    public init(floatLiteral value: Double) { self = .double(value) }

    /// Writes the argument as a RESP bulk string (`$<length>\r\n<bytes>\r\n`).
    @inlinable
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .string(let string):
            var string = string
            string.withUTF8 { utf8 in
                RedisArgument.writeHeader(utf8.count, into: &buffer)
                buffer.writeBytes(utf8)
            }
        case .bytes(let bytes):
            RedisArgument.writeHeader(bytes.readableBytes, into: &buffer)
            buffer.writeImmutableBuffer(bytes)
        case .integer(let value):
            RedisArgument.writeHeader(RedisArgument.decimalLength(value), into: &buffer)
            RedisArgument.writeDecimal(value, into: &buffer)
        case .double(let value):
            let text: String
            if value == .infinity { text = "inf" } else if value == -.infinity { text = "-inf" } else { text = "\(value)" }
            RedisArgument.writeHeader(text.utf8.count, into: &buffer)
            buffer.writeString(text)
        }
        buffer.writeInteger(UInt16(0x0D0A))
    }

    @usableFromInline
    static func writeHeader(_ length: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(Int64(length), into: &buffer)
        buffer.writeInteger(UInt16(0x0D0A))
    }

    /// Writes `value` in decimal ASCII, without building a `String`.
    @usableFromInline
    static func writeDecimal(_ value: Int64, into buffer: inout ByteBuffer) {
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let count = decimalLength(value) - (value < 0 ? 1 : 0)
        buffer.writeRepeatingByte(UInt8(ascii: "0"), count: count)
        var index = buffer.writerIndex - 1
        repeat {
            buffer.setInteger(UInt8(ascii: "0") + UInt8(magnitude % 10), at: index)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }

    /// The number of characters `value` takes in decimal, sign included.
    @usableFromInline
    static func decimalLength(_ value: Int64) -> Int {
        var magnitude = value.magnitude
        var digits = 1
        while magnitude >= 10 {
            magnitude /= 10
            digits += 1
        }
        return value < 0 ? digits + 1 : digits
    }
}

extension RedisArgument: CustomStringConvertible {
    /// The argument as text; bytes that are not UTF-8 are shown by their length.
    public var description: String {
        switch self {
        case .string(let string): string
        case .bytes(let bytes): String(validating: bytes.readableBytesView, as: UTF8.self) ?? "<\(bytes.readableBytes) bytes>"
        case .integer(let value): String(value)
        case .double(let value): String(value)
        }
    }
}
