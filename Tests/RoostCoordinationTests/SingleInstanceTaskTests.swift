import Foundation
import RoostCoordination
import RoostTasks
import RoostTestSupport
import Synchronization
import Testing

@Suite("SingleInstanceTask", .timeLimit(.minutes(1)))
struct SingleInstanceTaskTests {
    /// Three instances sharing one lock, on a manual clock whose offset is the wall time.
    @Test("three instances, ten ticks: each tick runs exactly once, fencing tokens grow")
    func exactlyOncePerTick() async throws {
        let clock = ManualClock()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let wall: @Sendable () -> Date = { start.addingTimeInterval(Double(clock.now.offset.components.seconds)) }
        let lock = InMemoryLock(clock: clock)
        let runs = Mutex<[(Date, UInt64)]>([])
        let tasks = (0..<3).map { _ in
            SingleInstanceTask(name: "report", schedule: .every(.seconds(10)), lock: lock, wallClock: wall) { tick in
                runs.withLock { $0.append((tick.fireDate, tick.fencingToken)) }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in tasks { group.addTask { try await task.run() } }
            for tick in 1...10 {
                await clock.waitForSleepers(count: 3)
                clock.advance(by: .seconds(10))
                try await pollUntil("tick \(tick) ran", every: .milliseconds(1)) { runs.withLock { $0.count } == tick }
            }
            group.cancelAll()
        }
        let recorded = runs.withLock { $0 }
        #expect(recorded.count == 10)
        #expect(Set(recorded.map(\.0)).count == 10)
        #expect(recorded.allSatisfy { $0.0.timeIntervalSince1970.truncatingRemainder(dividingBy: 10) == 0 })
        #expect(zip(recorded, recorded.dropFirst()).allSatisfy { $0.0 < $1.0 && $0.1 < $1.1 })
    }

    @Test("an instance that reaches a tick after the next one was due skips it")
    func lateInstanceSkipsTheTick() async throws {
        let clock = ManualClock()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let wall: @Sendable () -> Date = { start.addingTimeInterval(Double(clock.now.offset.components.seconds)) }
        let runs = Mutex<[Date]>([])
        let task = SingleInstanceTask(
            name: "report", schedule: .every(.seconds(10)), lock: InMemoryLock(clock: clock), wallClock: wall
        ) { tick in runs.withLock { $0.append(tick.fireDate) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await task.run() }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(25))  // woken 15 s after its tick, 5 s after the next
            await clock.waitForSleepers(count: 1)  // waiting for the tick at 30 s, having run nothing
            #expect(runs.withLock { $0 }.isEmpty)
            clock.advance(by: .seconds(5))
            try await pollUntil("the tick at 30 s ran", every: .milliseconds(1)) { runs.withLock { $0.count } == 1 }
            group.cancelAll()
        }
        #expect(runs.withLock { $0 } == [start.addingTimeInterval(30)])
    }

    @Test("ticks are aligned to the epoch for intervals and follow the cron schedule")
    func ticks() throws {
        let lock = InMemoryLock()
        let every = SingleInstanceTask(name: "a", schedule: .every(.seconds(60)), lock: lock) { _ in }
        #expect(every.tick(after: Date(timeIntervalSince1970: 119)) == Date(timeIntervalSince1970: 120))
        #expect(every.tick(after: Date(timeIntervalSince1970: 120)) == Date(timeIntervalSince1970: 180))
        let gmt = try #require(TimeZone(identifier: "GMT"))
        let cron = SingleInstanceTask(name: "b", schedule: .cron(try CronSchedule("0 * * * *"), timeZone: gmt), lock: lock) { _ in }
        #expect(cron.tick(after: Date(timeIntervalSince1970: 3_599)) == Date(timeIntervalSince1970: 3_600))
    }

    @Test("a failing run is logged and the next tick still runs")
    func failureDoesNotStopTheTask() async throws {
        let clock = ManualClock()
        let wall: @Sendable () -> Date = { Date(timeIntervalSince1970: Double(clock.now.offset.components.seconds)) }
        let attempts = Mutex(0)
        let task = SingleInstanceTask(
            name: "flaky", schedule: .every(.seconds(5)), lock: InMemoryLock(clock: clock), wallClock: wall
        ) { _ in
            attempts.withLock { $0 += 1 }
            throw FlakyFailure()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await task.run() }
            for tick in 1...3 {
                await clock.waitForSleepers(count: 1)
                clock.advance(by: .seconds(5))
                try await pollUntil("tick \(tick) ran", every: .milliseconds(1)) { attempts.withLock { $0 } == tick }
            }
            group.cancelAll()
        }
    }
}

private struct FlakyFailure: Error {}
