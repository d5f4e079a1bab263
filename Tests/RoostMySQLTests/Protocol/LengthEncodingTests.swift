import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Length-encoded values")
struct LengthEncodingTests {
    @Test(arguments: [
        (UInt64(0), [UInt8(0)]),
        (250, [0xFA]),
        (251, [0xFC, 0xFB, 0x00]),
        (0xFFFF, [0xFC, 0xFF, 0xFF]),
        (0x1_0000, [0xFD, 0x00, 0x00, 0x01]),
        (0xFF_FFFF, [0xFD, 0xFF, 0xFF, 0xFF]),
        (0x100_0000, [0xFE, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
        (UInt64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    ] as [(UInt64, [UInt8])])
    func integerWireBytes(value: UInt64, wire: [UInt8]) throws {
        #expect(encoded { $0.writeLengthEncodedInteger(value) } == wire)
        var input = buffer(wire)
        #expect(try input.readLengthEncodedInteger("test") == value)
        #expect(input.readableBytes == 0)
    }

    @Test func nullMarker() throws {
        var input = hex("fb")
        #expect(try input.readLengthEncodedIntegerOrNull("test") == nil)
        var again = hex("fb")
        #expect(protocolErrorKind { _ = try again.readLengthEncodedInteger("test") } == .malformed)
        var slice = hex("fb")
        #expect(try slice.readLengthEncodedSliceOrNull("test") == nil)
    }

    @Test func invalidAndTruncatedIntegers() {
        for wire in ["ff", "", "fc ff", "fd 01 02", "fe 01 02 03 04 05 06 07"] {
            var input = hex(wire)
            #expect(protocolErrorKind { _ = try input.readLengthEncodedInteger("test") } == .malformed, "\(wire)")
        }
    }

    @Test func strings() throws {
        #expect(encoded { $0.writeLengthEncodedString("héllo") } == [6] + Array("héllo".utf8))
        var input = buffer([6] + Array("héllo".utf8) + [0x99])
        #expect(try input.readLengthEncodedString("test") == "héllo")
        #expect(input.readableBytes == 1)
    }

    @Test func hostileStringLengthIsRejectedWithoutAllocating() {
        // Claims 2^64 - 1 bytes with 3 present.
        var input = hex("fe ff ff ff ff ff ff ff ff 61 62 63")
        #expect(protocolErrorKind { _ = try input.readLengthEncodedSlice("test") } == .malformed)
        var short = hex("05 61 62")
        #expect(protocolErrorKind { _ = try short.readLengthEncodedString("test") } == .malformed)
    }

    @Test func nullTerminatedStrings() throws {
        var input = hex("61 62 00 63")
        #expect(try input.readNullTerminatedMySQLString("test") == "ab")
        #expect(input.readableBytes == 1)
        #expect(protocolErrorKind { _ = try input.readNullTerminatedMySQLString("test") } == .malformed)
    }
}
