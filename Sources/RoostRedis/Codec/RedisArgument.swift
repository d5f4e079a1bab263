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
    ///
    /// Each argument is written with one capacity check: the bytes go straight into the
    /// buffer's storage, so a pipeline of many small commands costs little to encode.
    @inlinable
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encodedLength) { out in write(into: out, at: 0) }
    }

    /// A double in Redis's notation.
    @usableFromInline
    static func text(of value: Double) -> String {
        if value == .infinity { return "inf" }
        if value == -.infinity { return "-inf" }
        return "\(value)"
    }

    /// The bytes the argument takes on the wire, framing included.
    @inlinable
    var encodedLength: Int {
        let payload: Int
        switch self {
        case .string(let string): payload = string.utf8.count
        case .bytes(let bytes): payload = bytes.readableBytes
        case .integer(let value): payload = RedisArgument.decimalLength(value)
        case .double(let value): payload = RedisArgument.text(of: value).utf8.count
        }
        return 1 + RedisArgument.decimalLength(Int64(payload)) + 2 + payload + 2
    }

    /// Writes the argument at `index` of `out`, which has room for ``encodedLength``
    /// bytes, and returns the index after it.
    @inlinable
    func write(into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        switch self {
        case .string(let string):
            return RedisArgument.writeBulk(string, into: out, at: index)
        case .double(let value):
            return RedisArgument.writeBulk(RedisArgument.text(of: value), into: out, at: index)
        case .bytes(let bytes):
            return bytes.withUnsafeReadableBytes { RedisArgument.writeBulk($0, into: out, at: index) }
        case .integer(let value):
            let length = RedisArgument.decimalLength(value)
            var position = RedisArgument.writeLine(prefix: UInt8(ascii: "$"), Int64(length), into: out, at: index)
            position = RedisArgument.writeDecimal(value, length: length, into: out, at: position)
            return RedisArgument.writeCRLF(into: out, at: position)
        }
    }

    /// Writes `string`'s UTF-8 as a bulk string at `index` of `out` and returns the index
    /// after it.
    @usableFromInline
    static func writeBulk(_ string: String, into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        var string = string
        return string.withUTF8 { writeBulk(UnsafeRawBufferPointer($0), into: out, at: index) }
    }

    /// Writes `payload` as a bulk string at `index` of `out` and returns the index after it.
    @usableFromInline
    static func writeBulk(_ payload: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        let position = writeLine(prefix: UInt8(ascii: "$"), Int64(payload.count), into: out, at: index)
        if !payload.isEmpty {
            UnsafeMutableRawBufferPointer(rebasing: out[position..<position + payload.count]).copyMemory(from: payload)
        }
        return writeCRLF(into: out, at: position + payload.count)
    }

    /// The most bytes a bulk string adds around its payload: `$`, a length of up to 20
    /// digits, and two line ends.
    @inlinable
    static var framing: Int { 1 + 20 + 2 + 2 }

    /// Writes `<prefix><value>\r\n` (a bulk header, an array header) at `index` of `out`,
    /// which has room for it, and returns the index after it.
    @usableFromInline
    static func writeLine(prefix: UInt8, _ value: Int64, into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        out[index] = prefix
        let end = writeDecimal(value, length: decimalLength(value), into: out, at: index + 1)
        return writeCRLF(into: out, at: end)
    }

    /// Writes `value` in decimal ASCII (`length` characters, sign included) at `index` of
    /// `out` and returns the index after it.
    @usableFromInline
    static func writeDecimal(_ value: Int64, length: Int, into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        if value < 0 { out[index] = UInt8(ascii: "-") }
        var magnitude = value.magnitude
        var position = index + length - 1
        repeat {
            out[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        return index + length
    }

    @usableFromInline
    static func writeCRLF(into out: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        out[index] = 0x0D
        out[index + 1] = 0x0A
        return index + 2
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
