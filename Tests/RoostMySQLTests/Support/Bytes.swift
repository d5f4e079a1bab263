import NIOCore

@testable import RoostMySQL

/// A buffer holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// A buffer from a hex string; spaces are ignored.
func hex(_ text: String) -> ByteBuffer {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0)
    var bytes: [UInt8] = []
    for index in stride(from: 0, to: digits.count, by: 2) {
        bytes.append(UInt8(String(digits[index...index + 1]), radix: 16)!)
    }
    return ByteBuffer(bytes: bytes)
}

/// The readable bytes of a buffer.
func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

/// Encodes with a closure and returns the bytes.
func encoded(_ body: (inout ByteBuffer) -> Void) -> [UInt8] {
    var out = ByteBuffer()
    body(&out)
    return bytes(out)
}

/// Runs `body` and returns the ``MySQLProtocolError`` kind it threw, or nil.
func protocolErrorKind(_ body: () throws -> Void) -> MySQLProtocolError.Kind? {
    do {
        try body()
        return nil
    } catch let error as MySQLProtocolError {
        return error.kind
    } catch {
        return nil
    }
}
