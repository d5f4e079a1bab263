import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Packet framing")
struct PacketFramingTests {
    /// A decoder past the first packet, to which the greeting bound applies.
    static func primedDecoder(maximumPacketSize: Int = 64 * 1024 * 1024) throws -> MySQLPacketDecoder {
        var decoder = MySQLPacketDecoder(maximumPacketSize: maximumPacketSize)
        var greeting = hex("00 00 00 00")
        _ = try decoder.decode(buffer: &greeting)
        return decoder
    }

    @Test func decodesOnePacket() throws {
        var decoder = MySQLPacketDecoder()
        var input = hex("03 00 00 07 01 02 03")
        let packet = try #require(try decoder.decode(buffer: &input))
        #expect(packet.sequenceID == 7)
        #expect(packet.nextSequenceID == 8)
        #expect(bytes(packet.payload) == [1, 2, 3])
        #expect(input.readableBytes == 0)
    }

    @Test func waitsForPartialInputByteByByte() throws {
        var decoder = MySQLPacketDecoder()
        let wire = bytes(hex("02 00 00 00 aa bb 01 00 00 01 cc"))
        var input = ByteBuffer()
        var packets: [MySQLPacket] = []
        for byte in wire {
            input.writeInteger(byte)
            while let packet = try decoder.decode(buffer: &input) { packets.append(packet) }
        }
        #expect(packets.map { bytes($0.payload) } == [[0xAA, 0xBB], [0xCC]])
        #expect(packets.map(\.sequenceID) == [0, 1])
    }

    @Test func decodesEmptyPayload() throws {
        var decoder = MySQLPacketDecoder()
        var input = hex("00 00 00 05")
        let packet = try #require(try decoder.decode(buffer: &input))
        #expect(packet.payload.readableBytes == 0)
    }

    @Test func joinsSplitPacket() throws {
        let size = MySQLPacket.maximumFramePayload + 10
        var payload = ByteBuffer()
        let pattern = (0..<251).map { UInt8($0) }
        while payload.readableBytes + pattern.count <= size { payload.writeBytes(pattern) }
        payload.writeBytes(pattern.prefix(size - payload.readableBytes))
        var wire = ByteBuffer()
        let next = MySQLPacket.write(payload: payload, sequenceID: 3, into: &wire)
        #expect(next == 5)
        #expect(wire.readableBytes == size + 8)
        // First frame: 0xFFFFFF bytes with sequence 3; second: 10 bytes with sequence 4.
        #expect(bytes(wire.getSlice(at: 0, length: 4)!) == [0xFF, 0xFF, 0xFF, 3])
        #expect(bytes(wire.getSlice(at: 4 + 0xFF_FFFF, length: 4)!) == [10, 0, 0, 4])

        var decoder = try Self.primedDecoder()
        // Feed in uneven pieces to exercise partial frames of the split packet.
        var packets: [MySQLPacket] = []
        var input = ByteBuffer()
        while wire.readableBytes > 0 {
            var piece = wire.readSlice(length: min(wire.readableBytes, 1_000_003))!
            input.writeBuffer(&piece)
            while let packet = try decoder.decode(buffer: &input) { packets.append(packet) }
        }
        let packet = try #require(packets.first)
        #expect(packets.count == 1)
        #expect(packet.sequenceID == 3)
        #expect(packet.lastSequenceID == 4)
        #expect(packet.payload == payload)
    }

    @Test func exactMultipleOfFrameSizeEndsWithEmptyFrame() throws {
        let payload = ByteBuffer(repeating: 0x5A, count: MySQLPacket.maximumFramePayload)
        var wire = ByteBuffer()
        let next = MySQLPacket.write(payload: payload, sequenceID: 255, into: &wire)
        #expect(next == 1)  // 255, then 0 for the empty frame; wraps around
        #expect(wire.readableBytes == MySQLPacket.maximumFramePayload + 8)
        #expect(bytes(wire.getSlice(at: wire.writerIndex - 4, length: 4)!) == [0, 0, 0, 0])

        var decoder = try Self.primedDecoder()
        let packet = try #require(try decoder.decode(buffer: &wire))
        #expect(packet.payload.readableBytes == MySQLPacket.maximumFramePayload)
        #expect(packet.lastSequenceID == 0)
    }

    @Test func encodesSmallPacket() {
        let out = encoded { MySQLPacket.write(payload: buffer([0x0E]), sequenceID: 0, into: &$0) }
        #expect(out == [1, 0, 0, 0, 0x0E])
    }

    @Test func rejectsWrongSequenceInSplitPacket() throws {
        var decoder = try Self.primedDecoder()
        var input = ByteBuffer()
        input.writeBytes([0xFF, 0xFF, 0xFF, 0])
        input.writeRepeatingByte(1, count: MySQLPacket.maximumFramePayload)
        input.writeBytes([1, 0, 0, 7, 9])  // sequence 7 instead of 1
        #expect(protocolErrorKind { _ = try decoder.decode(buffer: &input) } == .malformed)
    }

    @Test func boundsHostileLengthBeforeBuffering() throws {
        var decoder = try Self.primedDecoder(maximumPacketSize: 1024)
        // Header claims 16 MiB - 1; only the header has arrived.
        var input = hex("ff ff ff 01")
        #expect(protocolErrorKind { _ = try decoder.decode(buffer: &input) } == .tooLarge)

        var small = try Self.primedDecoder(maximumPacketSize: 4)
        var five = hex("05 00 00 01")
        #expect(protocolErrorKind { _ = try small.decode(buffer: &five) } == .tooLarge)
        var four = hex("04 00 00 01 01 02 03 04")
        #expect(try small.decode(buffer: &four)?.payload.readableBytes == 4)
    }

    @Test func firstPacketIsHeldToTheGreetingBound() throws {
        // "HTTP/1.1 …" read as a MySQL header claims a 5.5 MB packet.
        var decoder = MySQLPacketDecoder()
        var http = ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n")
        #expect(protocolErrorKind { _ = try decoder.decode(buffer: &http) } == .tooLarge)
        var fresh = MySQLPacketDecoder()
        var greeting = ByteBuffer(bytes: [0x00, 0x40, 0x00, 0x00])  // exactly 16 KiB is fine
        greeting.writeRepeatingByte(0x0A, count: MySQLPacketDecoder.maximumGreetingSize)
        #expect(try fresh.decode(buffer: &greeting)?.payload.readableBytes == MySQLPacketDecoder.maximumGreetingSize)
    }

    @Test func truncatedPacketAtEndOfStreamIsMalformed() throws {
        var decoder = MySQLPacketDecoder()
        var input = hex("05 00 00 00 01 02")
        #expect(try decoder.decode(buffer: &input) == nil)
        #expect(protocolErrorKind { _ = try decoder.decodeLast(buffer: &input, seenEOF: true) } == .malformed)
        var empty = ByteBuffer()
        var clean = MySQLPacketDecoder()
        #expect(try clean.decodeLast(buffer: &empty, seenEOF: true) == nil)
    }
}
