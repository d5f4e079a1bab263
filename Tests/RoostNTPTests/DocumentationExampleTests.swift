import Foundation
import Logging
import NIOCore
import RoostNTP
import RoostTestSupport
import ServiceLifecycle
import Testing

/// The overview article's clock-service example, against three local fake servers an hour
/// ahead instead of the public pool, run for real.
@Suite struct DocumentationExampleTests {
    @Test func calibratedClockServiceExampleRuns() async throws {
        let respond: @Sendable (ByteBuffer) -> [ByteBuffer] = { request in
            let serverNow = NTPTimestamp(date: Date().addingTimeInterval(3_600))
            return [FakeSNTPServer.reply(to: request, receive: serverNow, transmit: serverNow)]
        }
        try await FakeSNTPServer.run(respond: respond) { first in
            try await FakeSNTPServer.run(respond: respond) { second in
                try await FakeSNTPServer.run(respond: respond) { third in
                    let servers = [first, second, third].map { NTPServer(host: "127.0.0.1", port: $0) }
                    let ntp = NTPClockService(
                        sampler: NTPSampler(
                            client: SNTPClient(), servers: servers, samplesPerServer: 4,
                            // A generous timeout: a loaded test machine can be slow to answer.
                            timeout: .seconds(30), sampleSpacing: .zero),
                        interval: .seconds(1024))
                    let group = ServiceGroup(
                        services: [ntp], logger: Logger(label: "ntp") { _ in SwiftLogNoOpLogHandler() })
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        tasks.addTask { try await group.run() }
                        try await pollUntil("the first calibration", within: .seconds(150)) { ntp.offset != nil }
                        let stamp = ntp.now()  // local time + measured offset
                        #expect(abs(stamp.timeIntervalSinceNow - 3_600) < 5)
                        let calibration = try #require(ntp.lastCalibration)
                        #expect(calibration.samples.count + calibration.failures.count == 12)
                        await group.triggerGracefulShutdown()
                        try await tasks.waitForAll()
                    }
                }
            }
        }
    }
}
