import Foundation
import NIOCore
import RoostCore
import RoostNTP
import RoostTestSupport
import Synchronization
import Testing

/// Local times handed out in turn: T1 for the request, then T4 for each reply.
final class ScriptedWallClock: Sendable {
    private let times: Mutex<[NTPTimestamp]>
    init(_ times: [NTPTimestamp]) { self.times = Mutex(times) }
    func next() -> NTPTimestamp {
        times.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
    }
}

@Suite struct SNTPClientTests {
    @Test func measuresOffsetAndDelayFromAFakeServer() async throws {
        let wallClock = ScriptedWallClock([NTPTimestamp(seconds: 1000, fraction: 0), NTPTimestamp(seconds: 1001, fraction: 0)])
        let client = SNTPClient(clock: ManualClock(), wallClock: wallClock.next)
        let measurement = try await FakeSNTPServer.run(respond: { request in
            [FakeSNTPServer.reply(
                to: request, receive: NTPTimestamp(seconds: 1100, fraction: 1 << 31),
                transmit: NTPTimestamp(seconds: 1100, fraction: 3 << 30))]
        }) { port in
            try await client.query(host: "127.0.0.1", port: port)
        }
        #expect(measurement.offset == .milliseconds(100_125))
        #expect(measurement.roundTripDelay == .milliseconds(750))
        #expect(measurement.response.referenceCode == "GPS")
    }

    @Test func realClockAgainstAServerOneHourAhead() async throws {
        let client = SNTPClient()
        let started = Date()
        let measurement = try await FakeSNTPServer.run(respond: { request in
            let serverNow = NTPTimestamp(date: Date().addingTimeInterval(3_600))
            return [FakeSNTPServer.reply(to: request, receive: serverNow, transmit: serverNow)]
        }) { port in
            try await client.query(host: "localhost", port: port, timeout: .seconds(30))
        }
        // Bounds scale with how long the exchange really took, so a busy machine passes.
        let elapsed = Duration.milliseconds(Int64(Date().timeIntervalSince(started) * 1000) + 50)
        #expect(measurement.offset > .seconds(3_600) - elapsed && measurement.offset < .seconds(3_600) + elapsed)
        #expect(measurement.roundTripDelay >= .zero && measurement.roundTripDelay <= elapsed)
        let corrected = measurement.correctedDate(Date())
        #expect(abs(corrected.timeIntervalSinceNow - 3_600) < Double(elapsed.components.seconds) + 1)
    }

    @Test func staleRepliesAreIgnored() async throws {
        let client = SNTPClient(clock: ManualClock())
        let measurement = try await FakeSNTPServer.run(respond: { request in
            let now = NTPTimestamp(date: Date())
            let stale = FakeSNTPServer.reply(to: request, receive: now, transmit: now) {
                $0.originateTimestamp = NTPTimestamp(rawValue: 42)
                $0.stratum = 0
            }
            return [stale, FakeSNTPServer.reply(to: request, receive: now, transmit: now) { $0.stratum = 3 }]
        }) { port in
            try await client.query(host: "127.0.0.1", port: port)
        }
        #expect(measurement.stratum == 3)
    }

    @Test func garbageReplyIsAShortPacketError() async throws {
        let client = SNTPClient(clock: ManualClock())
        let error = try await FakeSNTPServer.run(respond: { _ in [ByteBuffer(bytes: [0xde, 0xad, 0xbe, 0xef])] }) { port in
            await #expect(throws: SNTPError.self) { try await client.query(host: "127.0.0.1", port: port) }
        }
        #expect(error?.reason == .shortPacket(4))
    }

    @Test func kissOfDeathIsReported() async throws {
        let client = SNTPClient(clock: ManualClock())
        let error = try await FakeSNTPServer.run(respond: { request in
            [FakeSNTPServer.reply(to: request, receive: .zero, transmit: .zero) {
                $0.stratum = 0
                $0.leapIndicator = .unsynchronized
                $0.referenceID = 0x5241_5445  // "RATE"
            }]
        }) { port in
            await #expect(throws: SNTPError.self) { try await client.query(host: "127.0.0.1", port: port) }
        }
        #expect(error?.reason == .kissOfDeath("RATE"))
    }

    @Test func unsynchronisedServerIsRefused() async throws {
        let client = SNTPClient(clock: ManualClock())
        let now = NTPTimestamp(date: Date())
        try await FakeSNTPServer.run(respond: { request in
            [FakeSNTPServer.reply(to: request, receive: now, transmit: now) { $0.leapIndicator = .unsynchronized }]
        }) { port in
            await #expect(throws: SNTPError(.unsynchronized)) { try await client.query(host: "127.0.0.1", port: port) }
        }
    }

    @Test func timeoutFollowsTheInjectedClock() async throws {
        let clock = ManualClock()
        let client = SNTPClient(clock: clock)
        try await FakeSNTPServer.run(respond: { _ in [] }) { port in
            let query = Task { try await client.query(host: "127.0.0.1", port: port, timeout: .seconds(3)) }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(3))
            let error = await #expect(throws: SNTPError.self) { try await query.value }
            #expect(error?.reason == .timeout(.seconds(3)))
            #expect(error?.code == "ntp.timeout")
        }
    }

    @Test func cancellationStopsTheQuery() async throws {
        let clock = ManualClock()
        let client = SNTPClient(clock: clock)
        try await FakeSNTPServer.run(respond: { _ in [] }) { port in
            let query = Task { try await client.query(host: "127.0.0.1", port: port) }
            await clock.waitForSleepers(count: 1)
            query.cancel()
            await #expect(throws: CancellationError.self) { try await query.value }
        }
    }

    @Test func socketFailureIsATransportError() async throws {
        // Sending to port 0 is refused by the kernel (EINVAL) without any network.
        let client = SNTPClient()
        let error = await #expect(throws: SNTPError.self) {
            try await client.query(host: "127.0.0.1", port: 0, timeout: .seconds(30))
        }
        guard case .transport = error?.reason else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(error?.code == "ntp.transport")
    }
}
