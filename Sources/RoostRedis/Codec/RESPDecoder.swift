import NIOCore

/// Decodes RESP2 and RESP3 replies from a byte stream, one ``RESPValue`` at a time.
///
/// The decoder works on partial input: it returns `nil` until a whole value has arrived,
/// then returns it and consumes exactly its bytes. Strings in the value are slices of the
/// input buffer. Input breaking ``RESPDecoderLimits`` or the protocol throws
/// ``RedisProtocolError``; after that the stream is unusable.
///
/// ```swift
/// var decoder = RESPDecoder()
/// var buffer = ByteBuffer(string: "*2\r\n$3\r\nfoo\r\n:42\r\n")
/// let value = try decoder.decode(buffer: &buffer)  // .array([.bulkString("foo"), .integer(42)])
/// ```
public struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    /// Decoded replies.
    public typealias InboundOut = RESPValue

    private var scanner: RESPScanner

    /// Creates a decoder enforcing `limits`.
    public init(limits: RESPDecoderLimits = RESPDecoderLimits()) {
        self.scanner = RESPScanner(limits: limits)
    }

    /// Decodes the next complete value, or returns `nil` when more bytes are needed.
    ///
    /// Between calls returning `nil`, pass the same stream with bytes only appended.
    public mutating func decode(buffer: inout ByteBuffer) throws(RedisProtocolError) -> RESPValue? {
        guard let length = try scanner.scan(buffer) else { return nil }
        var frame = buffer.readSlice(length: length)!
        return try RESPValueReader.read(&frame)
    }

    /// Decodes what is left when the stream ends; an incomplete value stays undecoded.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws(RedisProtocolError) -> RESPValue? {
        try decode(buffer: &buffer)
    }
}

/// Builds a ``RESPValue`` from bytes the scanner has validated as one complete value.
///
/// Recursion is bounded by ``RESPDecoderLimits/maxDepth``, which the scanner enforced.
enum RESPValueReader {
    static func read(_ buffer: inout ByteBuffer) throws(RedisProtocolError) -> RESPValue {
        guard let type = buffer.readInteger(as: UInt8.self) else { throw .malformed("value ended early") }
        let line = try readLine(&buffer)
        switch type {
        case RESPType.simpleString: return .simpleString(line)
        case RESPType.simpleError: return .simpleError(line)
        case RESPType.integer: return .integer(try integer(line))
        case RESPType.double:
            guard let value = line.withUnsafeReadableBytes({ RESPNumber.parseDouble($0) }) else {
                throw .malformed("double")
            }
            return .double(value)
        case RESPType.boolean: return .boolean(line.getInteger(at: line.readerIndex, as: UInt8.self) == UInt8(ascii: "t"))
        case RESPType.null: return .null
        case RESPType.bigNumber: return .bigNumber(line)
        case RESPType.bulkString, RESPType.bulkError, RESPType.verbatimString:
            let length = try integer(line)
            if length < 0 { return .null }
            guard var payload = buffer.readSlice(length: Int(length)), buffer.readableBytes >= 2 else {
                throw .malformed("bulk payload ended early")
            }
            buffer.moveReaderIndex(forwardBy: 2)
            switch type {
            case RESPType.bulkString: return .bulkString(payload)
            case RESPType.bulkError: return .bulkError(payload)
            default:
                let format = payload.readString(length: 3) ?? ""
                payload.moveReaderIndex(forwardBy: 1)
                return .verbatimString(format: format, payload)
            }
        case RESPType.array, RESPType.set, RESPType.push:
            let count = try integer(line)
            if count < 0 { return .null }
            var values: [RESPValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count { values.append(try read(&buffer)) }
            switch type {
            case RESPType.array: return .array(values)
            case RESPType.set: return .set(values)
            default: return .push(values)
            }
        case RESPType.map, RESPType.attribute:
            let count = try integer(line)
            var pairs: [RESPValue.Pair] = []
            pairs.reserveCapacity(Int(count))
            for _ in 0..<count {
                let key = try read(&buffer)
                pairs.append(RESPValue.Pair(key: key, value: try read(&buffer)))
            }
            if type == RESPType.map { return .map(pairs) }
            return .attributed(attributes: pairs, value: try read(&buffer))
        default:
            throw .malformed("unknown type byte")
        }
    }

    private static func readLine(_ buffer: inout ByteBuffer) throws(RedisProtocolError) -> ByteBuffer {
        guard let end = buffer.withUnsafeReadableBytes({ $0.firstIndex(of: RESPType.cr) }),
            let line = buffer.readSlice(length: end)
        else { throw .malformed("line without CRLF") }
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private static func integer(_ line: ByteBuffer) throws(RedisProtocolError) -> Int64 {
        guard let value = line.withUnsafeReadableBytes({ RESPNumber.parseInt64($0) }) else {
            throw .malformed("integer")
        }
        return value
    }
}
