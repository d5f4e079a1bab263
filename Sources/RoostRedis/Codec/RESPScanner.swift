import NIOCore

/// RESP type bytes.
enum RESPType {
    static let simpleString = UInt8(ascii: "+")
    static let simpleError = UInt8(ascii: "-")
    static let integer = UInt8(ascii: ":")
    static let bulkString = UInt8(ascii: "$")
    static let array = UInt8(ascii: "*")
    static let null = UInt8(ascii: "_")
    static let boolean = UInt8(ascii: "#")
    static let double = UInt8(ascii: ",")
    static let bigNumber = UInt8(ascii: "(")
    static let bulkError = UInt8(ascii: "!")
    static let verbatimString = UInt8(ascii: "=")
    static let map = UInt8(ascii: "%")
    static let attribute = UInt8(ascii: "|")
    static let set = UInt8(ascii: "~")
    static let push = UInt8(ascii: ">")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
}

/// Finds where the next complete RESP value ends, validating every byte and enforcing
/// ``RESPDecoderLimits`` without allocating.
///
/// The scanner is resumable: when the value is incomplete it remembers how far it got (as
/// an offset from the buffer's reader index, and a stack of elements still missing in each
/// open aggregate) and continues from there once more bytes arrive, so a large reply
/// delivered in many reads is scanned once, not once per read.
struct RESPScanner {
    let limits: RESPDecoderLimits
    /// Offset from the reader index of the first header not yet scanned.
    private var offset = 0
    /// For each open aggregate, how many elements are still missing.
    private var missing: [Int] = []

    init(limits: RESPDecoderLimits) {
        self.limits = limits
    }

    /// The length of the next complete value at the buffer's reader index, or `nil` when
    /// more bytes are needed. The buffer must be the same stream on every call (bytes only
    /// appended) until a length is returned.
    mutating func scan(_ buffer: ByteBuffer) throws(RedisProtocolError) -> Int? {
        let result = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(RedisProtocolError) -> Int? in try self.scan(bytes) }
        }
        return try result.get()
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(RedisProtocolError) -> Int? {
        while true {
            guard offset < bytes.count else { return nil }
            let type = bytes[offset]
            guard let lineEnd = try findLineEnd(bytes, from: offset + 1) else { return nil }
            let line = UnsafeRawBufferPointer(rebasing: bytes[(offset + 1)..<lineEnd])
            var next = lineEnd + 2
            switch type {
            case RESPType.simpleString, RESPType.simpleError:
                break
            case RESPType.integer:
                guard RESPNumber.parseInt64(line) != nil else { throw .malformed("integer \(describe(line))") }
            case RESPType.double:
                guard RESPNumber.parseDouble(line) != nil else { throw .malformed("double \(describe(line))") }
            case RESPType.boolean:
                guard line.count == 1, line[0] == UInt8(ascii: "t") || line[0] == UInt8(ascii: "f") else {
                    throw .malformed("boolean \(describe(line))")
                }
            case RESPType.null:
                guard line.isEmpty else { throw .malformed("null with payload \(describe(line))") }
            case RESPType.bigNumber:
                guard RESPNumber.isBigNumber(line) else { throw .malformed("big number \(describe(line))") }
            case RESPType.bulkString, RESPType.bulkError, RESPType.verbatimString:
                let length = try parseLength(line, what: "bulk length", allowsNull: type == RESPType.bulkString)
                if length >= 0 {
                    guard length <= limits.maxBulkLength else {
                        throw .tooLarge("bulk length \(length) above the limit \(limits.maxBulkLength)")
                    }
                    guard bytes.count - next >= length + 2 else { return nil }
                    guard bytes[next + length] == RESPType.cr, bytes[next + length + 1] == RESPType.lf else {
                        throw .malformed("bulk payload of \(length) bytes not followed by CRLF")
                    }
                    if type == RESPType.verbatimString {
                        guard length >= 4, bytes[next + 3] == UInt8(ascii: ":") else {
                            throw .malformed("verbatim string without a 3-byte format prefix")
                        }
                    }
                    next += length + 2
                }
            case RESPType.array, RESPType.set, RESPType.push, RESPType.map, RESPType.attribute:
                let count = try parseLength(line, what: "aggregate count", allowsNull: type == RESPType.array)
                if count >= 0 {
                    guard count <= limits.maxAggregateCount else {
                        throw .tooLarge("aggregate of \(count) elements above the limit \(limits.maxAggregateCount)")
                    }
                    var elements = count
                    if type == RESPType.map || type == RESPType.attribute { elements *= 2 }
                    // An attribute is followed by the value it annotates.
                    if type == RESPType.attribute { elements += 1 }
                    if elements > 0 {
                        guard missing.count < limits.maxDepth else {
                            throw .tooLarge("nesting deeper than the limit \(limits.maxDepth)")
                        }
                        missing.append(elements)
                        offset = next
                        continue
                    }
                }
            default:
                throw .malformed("unknown type byte 0x\(String(type, radix: 16))")
            }
            offset = next
            if completeElement() {
                let length = offset
                offset = 0
                return length
            }
        }
    }

    /// Records that one element finished; returns whether the whole value is complete.
    private mutating func completeElement() -> Bool {
        while let last = missing.last {
            if last > 1 {
                missing[missing.count - 1] = last - 1
                return false
            }
            missing.removeLast()
        }
        return true
    }

    /// The index of the CR ending the line that starts at `start`, or `nil` if the CRLF has
    /// not arrived yet.
    private func findLineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(RedisProtocolError) -> Int? {
        var index = start
        let end = min(bytes.count, start + limits.maxLineLength + 1)
        while index < end {
            let byte = bytes[index]
            if byte == RESPType.cr {
                guard index + 1 < bytes.count else { return nil }
                guard bytes[index + 1] == RESPType.lf else { throw .malformed("CR not followed by LF") }
                return index
            }
            if byte == RESPType.lf { throw .malformed("LF without CR") }
            index += 1
        }
        if end - start > limits.maxLineLength {
            throw .tooLarge("line longer than the limit \(limits.maxLineLength)")
        }
        return nil
    }

    private func parseLength(_ line: UnsafeRawBufferPointer, what: String, allowsNull: Bool) throws(RedisProtocolError) -> Int {
        guard let value = RESPNumber.parseInt64(line) else { throw .malformed("\(what) \(describe(line))") }
        if value == -1 && allowsNull { return -1 }
        guard value >= 0 else { throw .malformed("negative \(what) \(value)") }
        return value > Int64(Int.max / 4) ? Int.max / 4 : Int(value)
    }

    private func describe(_ line: UnsafeRawBufferPointer) -> String {
        let prefix = line.prefix(32)
        return "\"" + String(decoding: prefix, as: UTF8.self) + (line.count > 32 ? "…" : "") + "\""
    }
}
