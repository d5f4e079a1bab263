import Foundation
import Logging
import NIOCore
import RoostNTP
import RoostTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// What the fake server does: answer with this offset in seconds, or send garbage.
final class ServerBehaviour: Sendable {
    private let offset = Mutex<Int64?>(nil)
    init(offset: Int64?) { self.offset.withLock { $0 = offset } }
    func set(_ newOffset: Int64?) { offset.withLock { $0 = newOffset } }
    func respond(_ request: ByteBuffer) -> [ByteBuffer] {
        guard let seconds = offset.withLock({ $0 }) else { return [ByteBuffer(bytes: [0xFF])] }
        return [reply(to: request, offset: seconds)]
    }
}

@Suite struct NTPClockServiceTests {
    private let fixedLocal = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func recalibratesPeriodicallyOnTheInjectedClock() async throws {
        let behaviour = ServerBehaviour(offset: 5)
        let schedule = ManualClock()
        try await withFakeServers([{ behaviour.respond($0) }]) { ports in
            let service = NTPClockService(
                sampler: sampler(ports), interval: .seconds(600), clock: schedule, wallClock: { fixedLocal })
            #expect(service.now() == fixedLocal)  // uncorrected until the first calibration
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                await schedule.waitForSleepers(count: 1)
                #expect(service.offset == .seconds(5))
                #expect(service.now() == fixedLocal.addingTimeInterval(5))
                #expect(schedule.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(600))])

                behaviour.set(-3)
                schedule.advance(by: .seconds(600))
                await schedule.waitForSleepers(count: 1)
                #expect(service.offset == .seconds(-3))
                #expect(schedule.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(1_200))])
                group.cancelAll()
                try await group.waitForAll()  // run() returns quietly when cancelled
            }
        }
    }

    @Test func aFailedCalibrationKeepsTheOffsetAndRetriesSooner() async throws {
        let behaviour = ServerBehaviour(offset: nil)
        let schedule = ManualClock()
        try await withFakeServers([{ behaviour.respond($0) }]) { ports in
            let service = NTPClockService(
                sampler: sampler(ports, samples: 1), interval: .seconds(600), retryInterval: .seconds(30),
                clock: schedule, wallClock: { fixedLocal })
            let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await schedule.waitForSleepers(count: 1)
                #expect(service.offset == nil && service.failedAttempts == 1)
                #expect(service.now() == fixedLocal)
                #expect(schedule.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(30))])

                behaviour.set(1)
                schedule.advance(by: .seconds(30))
                await schedule.waitForSleepers(count: 1)
                #expect(service.offset == .seconds(1))
                #expect(service.failedAttempts == 0)
                #expect(service.calibratedAt == fixedLocal)
                #expect(schedule.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(630))])

                behaviour.set(nil)
                schedule.advance(by: .seconds(600))
                await schedule.waitForSleepers(count: 1)
                #expect(service.offset == .seconds(1))  // the last good offset stays
                #expect(service.failedAttempts == 1)

                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func calibrateOnDemandThrowsTheTypedError() async throws {
        try await withFakeServers([{ _ in [ByteBuffer(bytes: [0, 0])] }]) { ports in
            let service = NTPClockService(sampler: sampler(ports, samples: 1), clock: ManualClock())
            let error = await #expect(throws: NTPCalibrationError.self) { try await service.calibrate() }
            #expect(error?.failures.map(\.error.reason) == [.shortPacket(2)])
            #expect(service.failedAttempts == 1)
        }
    }
}
