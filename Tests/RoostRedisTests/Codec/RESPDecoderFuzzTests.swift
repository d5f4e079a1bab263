import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Mutated and random input: the decoder must decode or throw its typed error, never crash
/// or hang, and must not depend on how the bytes were split into reads.
@Suite("RESP decoder under random input")
struct RESPDecoderFuzzTests {
    /// Everything the decoder makes of `bytes`: the values, then the error or `nil` for
    /// "needs more bytes".
    private func outcome(_ bytes: [UInt8], splits: [Int], limits: RESPDecoderLimits) -> String {
        var decoder = RESPDecoder(limits: limits)
        var buffer = ByteBuffer()
        var values: [String] = []
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            buffer.writeBytes(bytes[start..<end])
            start = end
            do {
                while let value = try decoder.decode(buffer: &buffer) { values.append("\(value)") }
            } catch {
                return values.joined(separator: ",") + " ! \(error.code)"
            }
        }
        return values.joined(separator: ",") + " … \(buffer.readableBytes)"
    }

    private func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        let alphabet = Array("+-:$*_#,(!=%|~>\r\n0123456789-1tfinax".utf8)
        for _ in 0...Int.random(in: 0...3, using: &random) {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty: bytes[index] = alphabet.randomElement(using: &random)!
            case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
            case 2 where !bytes.isEmpty: bytes.remove(at: index)
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    @Test("mutated samples decode the same however they are split", arguments: [UInt64(1), 2, 3, 4])
    func mutations(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var limits = RESPDecoderLimits()
        limits.maxDepth = 8
        limits.maxLineLength = 64
        limits.maxBulkLength = 64
        limits.maxAggregateCount = 64
        let samples = respSamples.map { Array($0.wire.utf8) }
        for round in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) { bytes += samples.randomElement(using: &random)! }
            bytes = mutate(bytes, using: &random)
            let whole = outcome(bytes, splits: [], limits: limits)
            var splits = (0..<Int.random(in: 1...4, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
            splits.sort()
            let split = outcome(bytes, splits: splits, limits: limits)
            if whole != split {
                Issue.record("seed \(seed) round \(round): \(bytes) whole=\(whole) split at \(splits)=\(split)")
                return
            }
        }
    }

    @Test("random bytes never crash the decoder")
    func randomBytes() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = outcome(bytes, splits: [bytes.count / 2], limits: RESPDecoderLimits())
        }
    }
}
