// Feeds arbitrary bytes to the RESP decoder, whole and split at every point a real
// network read could split them. The decoder must return values, ask for more bytes or
// throw its typed error; anything else (a crash, a hang, unbounded memory) is a finding.
import FuzzDriver
import NIOCore
import RoostRedis

runFuzzer(fuzzRESP)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRESP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // Small limits, so that hostile lengths and depths are reached quickly.
    let limits = RESPDecoderLimits(maxDepth: 16, maxBulkLength: 1 << 16, maxAggregateCount: 1 << 12, maxLineLength: 1 << 12)
    decodeAll(ByteBuffer(bytes: bytes), limits: limits)
    if size > 1 {
        // The same bytes arriving in two reads.
        let split = Int(bytes[0]) % size
        var first = ByteBuffer(bytes: bytes[..<split])
        var decoder = RESPDecoder(limits: limits)
        do {
            while try decoder.decode(buffer: &first) != nil {}
            var rest = first
            rest.writeBytes(bytes[split...])
            while try decoder.decode(buffer: &rest) != nil {}
        } catch {
            // A typed protocol error is a correct answer to malformed input.
        }
    }
    return 0
}

private func decodeAll(_ input: ByteBuffer, limits: RESPDecoderLimits) {
    var buffer = input
    var decoder = RESPDecoder(limits: limits)
    do {
        while try decoder.decode(buffer: &buffer) != nil {}
    } catch {
        // A typed protocol error is a correct answer to malformed input.
    }
}
