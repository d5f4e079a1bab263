import Foundation
import RoostTasks
import RoostTestSupport
import Testing

@Suite struct CronTaskTests {
    @Test func runsAtFireTimesAcrossTheSpringGap() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-03-09T12:00:00-05:00"))
        let runs = EventLog<Date>()
        let task = CronTask(
            name: "nightly", schedule: try CronSchedule("30 2 * * *"), timeZone: newYork, clock: clock,
            wallClock: wall.now
        ) { runs.append(wall.now()) }
        #expect(task.nextRunDates(count: 2) == [date("2024-03-10T03:00:00-04:00"), date("2024-03-11T02:30:00-04:00")])
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-03-10T03:00:00-04:00"), date("2024-03-11T02:30:00-04:00")])
    }

    @Test func runsOnceInTheRepeatedHour() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-10-27T01:00:00+02:00"))
        let runs = EventLog<Date>()
        let task = CronTask(
            name: "berlin", schedule: try CronSchedule("30 2 * * *"), timeZone: berlin, clock: clock,
            wallClock: wall.now
        ) { runs.append(wall.now()) }
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-10-27T02:30:00+02:00"), date("2024-10-28T02:30:00+01:00")])
    }

    @Test func jitterDelaysEachRunAfterItsFireTime() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-05-01T10:00:00Z"))
        let runs = EventLog<Date>()
        // 1 << 63 maps to exactly one half of the jitter, 0 to none.
        let task = CronTask(
            name: "jittered", schedule: try CronSchedule("* * * * *"), timeZone: utc, jitter: .seconds(20),
            random: FixedRandom(1 << 63, 0), clock: clock, wallClock: wall.now
        ) { runs.append(wall.now()) }
        async let running: Void = task.run()
        for _ in 0..<3 { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-05-01T10:01:10Z"), date("2024-05-01T10:02:00Z")])
    }

    @Test func aFailingRunIsLoggedAndTheNextStillHappens() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-05-01T10:00:00Z"))
        let capture = LogCapture()
        let runs = EventLog<Date>()
        let task = CronTask(
            name: "minutely", schedule: try CronSchedule("* * * * *"), timeZone: utc, clock: clock,
            wallClock: wall.now, logger: capture.logger
        ) {
            runs.append(wall.now())
            if runs.all.count == 1 { throw TestFailure(id: 9) }
        }
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-05-01T10:01:00Z"), date("2024-05-01T10:02:00Z")])
        let errors = capture.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["task"] == "minutely")
    }

    @Test func neverStartsEarlyWhenTheWallClockIsSetBack() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-05-01T10:00:00Z"))
        let runs = EventLog<Date>()
        let task = CronTask(
            name: "hourly", schedule: try CronSchedule("@hourly"), timeZone: utc, clock: clock, wallClock: wall.now
        ) { runs.append(wall.now()) }
        async let running: Void = task.run()
        await clock.waitForSleepers(count: 1)
        wall.adjust(by: -600)
        await clock.advanceToNextDeadline()
        // The wall clock says 10:50: the task waits ten more minutes.
        await clock.waitForSleepers(count: 1)
        #expect(runs.all.isEmpty)
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-05-01T11:00:00Z")])
    }

    @Test func fireTimesPassedDuringARunAreSkipped() async throws {
        let clock = ManualClock()
        let wall = ManualWallClock(clock: clock, start: date("2024-05-01T10:00:00Z"))
        let runs = EventLog<Date>()
        let task = CronTask(
            name: "slow", schedule: try CronSchedule("* * * * *"), timeZone: utc, clock: clock, wallClock: wall.now
        ) {
            runs.append(wall.now())
            if runs.all.count == 1 { try await clock.sleep(for: .seconds(150)) }
        }
        async let running: Void = task.run()
        for _ in 0..<3 { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.all == [date("2024-05-01T10:01:00Z"), date("2024-05-01T10:04:00Z")])
    }

    @Test func aScheduleThatNeverFiresIdlesUntilStopped() async throws {
        let clock = ManualClock()
        let capture = LogCapture()
        let runs = Counter()
        let task = CronTask(
            name: "never", schedule: try CronSchedule("0 0 30 2 *"), timeZone: utc, clock: clock,
            wallClock: { date("2024-01-01T00:00:00Z") }, logger: capture.logger
        ) { runs.increment() }
        let running = Task { try await task.run() }
        await eventually { capture.all.contains { $0.level == .warning } }
        #expect(task.isRunning)
        task.stop()
        try await running.value
        #expect(runs.current == 0)
        #expect(!task.isRunning)
    }
}
