import Foundation
import NIOCore
import RoostNTP
import RoostTestSupport
import Synchronization
import Testing

/// A fake server's answer: the server's clock is `seconds` ahead of the client's. The
/// server reads the client's clock from the request (T1) and answers T2 = T3 = T1 + offset;
/// the tests' client reads a wall clock that stands still (T4 = T1), so the measured
/// offset is exact, however slowly the machine runs.
func reply(to request: ByteBuffer, offset seconds: Int64) -> ByteBuffer {
    var copy = request
    let clientTime = (try? SNTPPacket(decoding: &copy))?.transmitTimestamp ?? .zero
    let serverTime = NTPTimestamp(rawValue: clientTime.rawValue &+ UInt64(bitPattern: seconds << 32))
    return FakeSNTPServer.reply(to: request, receive: serverTime, transmit: serverTime)
}

/// The client's wall clock in these tests: it stands still.
let frozenClientTime = NTPTimestamp(date: Date(timeIntervalSince1970: 1_800_000_000))

/// Runs one fake server per responder and passes their ports to `body`.
func withFakeServers<T: Sendable>(
    _ responders: [@Sendable (ByteBuffer) -> [ByteBuffer]], _ body: ([Int]) async throws -> T
) async throws -> T {
    guard let first = responders.first else { return try await body([]) }
    return try await FakeSNTPServer.run(respond: first) { port in
        try await withFakeServers(Array(responders.dropFirst())) { ports in try await body([port] + ports) }
    }
}

extension SNTPPacket {
    /// Decodes a packet the tests built themselves.
    init(decoding buffer: ByteBuffer) {
        var copy = buffer
        self = try! SNTPPacket(decoding: &copy)
    }
}

func encode(_ packet: SNTPPacket) -> ByteBuffer {
    var buffer = ByteBuffer()
    packet.write(to: &buffer)
    return buffer
}

func sampler(_ ports: [Int], samples: Int = 3) -> NTPSampler<ManualClock> {
    // Timeouts sleep on a manual clock nobody advances: the fake servers always answer.
    let clock = ManualClock()
    return NTPSampler(
        client: SNTPClient(clock: clock, wallClock: { frozenClientTime }), servers: ports.map { NTPServer(host: "127.0.0.1", port: $0) },
        samplesPerServer: samples, minimumSpread: .seconds(1), clock: clock)
}

@Suite struct NTPCalibrationTests {
    @Test func medianOfSeveralServersOutvotesAFalseticker() async throws {
        let calibration = try await withFakeServers([
            { [reply(to: $0, offset: 10)] }, { [reply(to: $0, offset: 10)] }, { [reply(to: $0, offset: 500)] },
        ]) { ports in
            try await sampler(ports).calibrate()
        }
        #expect(calibration.offset == .seconds(10))
        #expect(calibration.samples.count == 9)
        #expect(calibration.acceptedSamples.count == 6)
        #expect(Set(calibration.samples.filter(\.isOutlier).map(\.server.port)).count == 1)
        #expect(calibration.failures.isEmpty)
    }

    @Test func oneWildSampleOfAServerIsRejected() async throws {
        let count = Atomic(0)
        let calibration = try await withFakeServers([
            { request in
                let index = count.wrappingAdd(1, ordering: .relaxed).oldValue
                return [reply(to: request, offset: index == 2 ? 60 : 2)]
            }
        ]) { ports in
            try await sampler(ports, samples: 5).calibrate()
        }
        #expect(calibration.offset == .seconds(2))
        #expect(calibration.samples.map(\.isOutlier) == [false, false, true, false, false])
    }

    @Test func wrongOriginRepliesAreIgnoredAndGarbageAndKissOfDeathAreReported() async throws {
        let kissed = Atomic(0)
        let calibration = try await withFakeServers([
            { request in
                // A reply to some other request (wrong originate time) first, then the real one.
                var forged = SNTPPacket(decoding: reply(to: request, offset: 900))
                forged.originateTimestamp = NTPTimestamp(rawValue: 7)
                return [encode(forged), reply(to: request, offset: -4)]
            },
            { _ in [ByteBuffer(bytes: [0x24, 0x01, 0x02])] },
            { request in
                kissed.wrappingAdd(1, ordering: .relaxed)
                return [FakeSNTPServer.reply(to: request, receive: .zero, transmit: .zero) {
                    $0.stratum = 0
                    $0.referenceID = 0x4445_4E59  // "DENY"
                }]
            },
        ]) { ports in
            try await sampler(ports).calibrate()
        }
        #expect(calibration.offset == .seconds(-4))
        #expect(calibration.acceptedSamples.count == 3)
        #expect(calibration.failures.map(\.error.reason) == [
            .shortPacket(3), .shortPacket(3), .shortPacket(3), .kissOfDeath("DENY"),
        ])
        // A kiss-o'-death stops the queries to that server.
        #expect(kissed.load(ordering: .relaxed) == 1)
    }

    @Test func noUsableAnswerIsATypedErrorListingEveryFailure() async throws {
        let error = try await withFakeServers([
            { _ in [ByteBuffer(bytes: [1, 2, 3, 4])] },
            { request in [FakeSNTPServer.reply(to: request, receive: .zero, transmit: .zero) { $0.stratum = 0; $0.referenceID = 0x5241_5445 }] },
        ]) { ports in
            await #expect(throws: NTPCalibrationError.self) { try await sampler(ports, samples: 2).calibrate() }
        }
        #expect(error?.code == "ntp.calibration.no_samples")
        #expect(error?.failures.map(\.error.reason) == [.shortPacket(4), .shortPacket(4), .kissOfDeath("RATE")])
        #expect(error?.message.contains("kiss code RATE") == true)
    }

    @Test func medianOfAnEvenCountIsTheMeanOfTheMiddle() {
        #expect(NTPCalibration.median([.seconds(4), .seconds(1), .seconds(3), .seconds(2)]) == .milliseconds(2_500))
        #expect(NTPCalibration.median([.seconds(-1)]) == .seconds(-1))
    }
}
