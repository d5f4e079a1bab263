import NIOCore
import RoostCore
import RoostNTP
import Testing

@Suite struct SNTPPacketTests {
    @Test func clientRequestWireFormat() {
        var buffer = ByteBuffer()
        let transmit = NTPTimestamp(seconds: 0xE5F6_0102, fraction: 0x0304_0506)
        SNTPPacket.clientRequest(transmitTimestamp: transmit).write(to: &buffer)
        let bytes = Array(buffer.readableBytesView)
        #expect(bytes.count == 48)
        #expect(bytes[0] == 0x23)  // LI 0, version 4, mode 3
        #expect(bytes[1..<40].allSatisfy { $0 == 0 })
        #expect(Array(bytes[40...]) == [0xE5, 0xF6, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06])
    }

    @Test func everyFieldRoundTrips() throws {
        let packet = SNTPPacket(
            leapIndicator: .lastMinuteHas61Seconds, version: 3, mode: .server, stratum: 2, poll: 6, precision: -20,
            rootDelay: 0x0001_8000, rootDispersion: 0x0000_4000, referenceID: 0xC0A8_0001,
            referenceTimestamp: NTPTimestamp(rawValue: 1), originateTimestamp: NTPTimestamp(rawValue: 2),
            receiveTimestamp: NTPTimestamp(rawValue: 3), transmitTimestamp: NTPTimestamp(rawValue: .max))
        var buffer = ByteBuffer()
        packet.write(to: &buffer)
        #expect(buffer.readableBytes == 48)
        #expect(buffer.getInteger(at: 0, as: UInt8.self) == 0b01_011_100)
        let decoded = try SNTPPacket(decoding: &buffer)
        #expect(decoded == packet)
        #expect(buffer.readableBytes == 0)
        #expect(decoded.rootDelaySeconds == 1.5)
        #expect(decoded.rootDispersionSeconds == 0.25)
    }

    @Test func extensionBytesAfterTheHeaderAreIgnored() throws {
        var buffer = ByteBuffer()
        SNTPPacket(mode: .server, stratum: 1).write(to: &buffer)
        buffer.writeBytes([1, 2, 3, 4])
        let decoded = try SNTPPacket(decoding: &buffer)
        #expect(decoded.stratum == 1)
    }

    @Test(arguments: [0, 1, 47])
    func shortPacketIsATypedErrorAndLeavesTheBuffer(length: Int) {
        var buffer = ByteBuffer(repeating: 0x24, count: length)
        let error = #expect(throws: SNTPError.self) { try SNTPPacket(decoding: &buffer) }
        #expect(error?.reason == .shortPacket(length))
        #expect(error?.code == "ntp.packet.short")
        #expect(buffer.readableBytes == length)
    }

    @Test func referenceCode() {
        #expect(SNTPPacket(mode: .server, referenceID: 0x5241_5445).referenceCode == "RATE")
        #expect(SNTPPacket(mode: .server, referenceID: 0x4750_5300).referenceCode == "GPS")
        #expect(SNTPPacket(mode: .server, referenceID: 0xC0A8_0001).referenceCode == nil)
    }
}

@Suite struct SNTPValidationTests {
    static func reply(_ change: (inout SNTPPacket) -> Void = { _ in }) -> SNTPPacket {
        var packet = SNTPPacket(
            mode: .server, stratum: 2, receiveTimestamp: NTPTimestamp(rawValue: 5 << 32),
            transmitTimestamp: NTPTimestamp(rawValue: 6 << 32))
        change(&packet)
        return packet
    }

    @Test func goodReplyPasses() throws {
        try Self.reply().validateServerReply()
        try Self.reply { $0.mode = .broadcast; $0.version = 3 }.validateServerReply()
    }

    @Test func kissOfDeathCarriesItsCode() {
        let error = #expect(throws: SNTPError.self) {
            try Self.reply { $0.stratum = 0; $0.leapIndicator = .unsynchronized; $0.referenceID = 0x4445_4E59 }
                .validateServerReply()
        }
        #expect(error?.reason == .kissOfDeath("DENY"))
        #expect(error?.code == "ntp.server.kiss_of_death")
    }

    @Test func badReplies() {
        #expect(throws: SNTPError(.unsynchronized)) { try Self.reply { $0.leapIndicator = .unsynchronized }.validateServerReply() }
        #expect(throws: SNTPError(.invalidStratum(16))) { try Self.reply { $0.stratum = 16 }.validateServerReply() }
        #expect(throws: SNTPError(.unexpectedMode(.client))) { try Self.reply { $0.mode = .client }.validateServerReply() }
        #expect(throws: SNTPError(.unsupportedVersion(0))) { try Self.reply { $0.version = 0 }.validateServerReply() }
        #expect(throws: SNTPError(.unsupportedVersion(5))) { try Self.reply { $0.version = 5 }.validateServerReply() }
        #expect(throws: SNTPError(.zeroTransmitTimestamp)) {
            try Self.reply { $0.transmitTimestamp = .zero }.validateServerReply()
        }
    }
}

@Suite struct SNTPMeasurementTests {
    @Test func rfc4330Formulas() {
        // T1 = 1000, T2 = 1100.5, T3 = 1100.75, T4 = 1001.
        let reply = SNTPPacket(
            mode: .server, stratum: 1, receiveTimestamp: NTPTimestamp(seconds: 1100, fraction: 1 << 31),
            transmitTimestamp: NTPTimestamp(seconds: 1100, fraction: 3 << 30))
        let measurement = SNTPMeasurement(
            response: reply, originate: NTPTimestamp(seconds: 1000, fraction: 0),
            destination: NTPTimestamp(seconds: 1001, fraction: 0))
        #expect(measurement.roundTripDelay == .milliseconds(750))
        #expect(measurement.offset == .milliseconds(100_125))
        #expect(measurement.stratum == 1)
    }

    @Test func negativeOffsetWhenTheLocalClockIsAhead() {
        // The local clock is 10 s ahead of the server; 40 ms each way, 20 ms at the server.
        let reply = SNTPPacket(
            mode: .server, stratum: 1, receiveTimestamp: NTPTimestamp(rawValue: 1990 << 32 + (1 << 32) / 25),
            transmitTimestamp: NTPTimestamp(rawValue: 1990 << 32 + 3 * (1 << 32) / 50))
        let measurement = SNTPMeasurement(
            response: reply, originate: NTPTimestamp(seconds: 2000, fraction: 0),
            destination: NTPTimestamp(rawValue: 2000 << 32 + (1 << 32) / 10))
        #expect(abs(measurement.offset - .seconds(-10)) < .microseconds(1))
        #expect(abs(measurement.roundTripDelay - .milliseconds(80)) < .microseconds(1))
    }
}

private func abs(_ duration: Duration) -> Duration { duration < .zero ? .zero - duration : duration }
