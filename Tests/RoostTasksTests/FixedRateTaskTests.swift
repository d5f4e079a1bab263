import RoostTasks
import RoostTestSupport
import Testing

@Suite struct FixedRateTaskTests {
    /// Runs a task whose first run lasts `firstRun` seconds (the others are instant) and
    /// returns the start times of the runs seen over `steps` clock advances.
    func starts(
        missedTicks: FixedRateTask<ManualClock>.MissedTickPolicy, firstRun: Int, steps: Int
    ) async throws -> [Double] {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        let runs = Counter()
        let task = FixedRateTask(name: "rate", period: .seconds(10), missedTicks: missedTicks, clock: clock) {
            starts.append(clock.seconds)
            if runs.increment() == 1 { try await clock.sleep(for: .seconds(firstRun)) }
        }
        async let running: Void = task.run()
        for _ in 0..<steps { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        return starts.all
    }

    @Test func aFailingRunIsLoggedAndTheNextStillHappens() async throws {
        let clock = ManualClock()
        let capture = LogCapture()
        let starts = EventLog<Double>()
        let runs = Counter()
        let task = FixedRateTask(name: "flaky-rate", period: .seconds(10), clock: clock, logger: capture.logger) {
            starts.append(clock.seconds)
            if runs.increment() == 1 { throw TestFailure(id: 7) }
        }
        #expect(!task.isRunning)
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        #expect(task.isRunning)
        task.stop()
        try await running
        #expect(!task.isRunning)
        #expect(starts.all == [10, 20])
        let errors = capture.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["task"] == "flaky-rate")
        #expect(errors.first?.metadata["error"]?.description.contains("TestFailure(id: 7)") == true)
    }

    @Test func jitterDelaysEachRunAfterItsTick() async throws {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        // 1 << 63 maps to exactly one half of the jitter, 0 to none.
        let task = FixedRateTask(
            name: "jittered", period: .seconds(10), jitter: .seconds(4), random: FixedRandom(1 << 63, 0), clock: clock
        ) { starts.append(clock.seconds) }
        async let running: Void = task.run()
        for _ in 0..<3 { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(starts.all == [12, 20])
    }

    @Test func runsOnTheGridWhenOnTime() async throws {
        #expect(try await starts(missedTicks: .skip, firstRun: 3, steps: 4) == [10, 20, 30])
    }

    @Test func skipDropsMissedTicks() async throws {
        // The first run lasts from 10 to 35; ticks 20 and 30 are dropped.
        #expect(try await starts(missedTicks: .skip, firstRun: 25, steps: 4) == [10, 40, 50])
    }

    @Test func runOnceRunsOnceForAllMissedTicks() async throws {
        #expect(try await starts(missedTicks: .runOnce, firstRun: 25, steps: 4) == [10, 35, 40, 50])
    }

    @Test func runOnceWhenARunEndsExactlyOnATick() async throws {
        // The first run lasts from 10 to 30: tick 20 was missed and the run owed for it
        // stands in for tick 30 too.
        #expect(try await starts(missedTicks: .runOnce, firstRun: 20, steps: 3) == [10, 30, 40])
    }

    @Test func catchUpRunsEveryMissedTick() async throws {
        #expect(try await starts(missedTicks: .catchUp, firstRun: 25, steps: 4) == [10, 35, 35, 40, 50])
    }

    @Test func forbiddenOverlapKeepsOneRunAtATime() async throws {
        let clock = ManualClock()
        let active = Counter()
        let task = FixedRateTask(name: "one", period: .seconds(1), missedTicks: .catchUp, clock: clock) {
            active.increment()
            defer { active.decrement() }
            try await clock.sleep(for: .milliseconds(2500))
        }
        async let running: Void = task.run()
        for _ in 0..<8 { await clock.advanceToNextDeadline() }
        // Always behind, so a run is always going: stop during one and let it end.
        await clock.waitForSleepers(count: 1)
        task.stop()
        clock.advance(by: .seconds(3))
        try await running
        #expect(active.peak == 1)
    }

    @Test func allowedOverlapStartsEveryTickOnTime() async throws {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        let active = Counter()
        let task = FixedRateTask(name: "many", period: .seconds(10), overlap: .allow, clock: clock) {
            starts.append(clock.seconds)
            active.increment()
            defer { active.decrement() }
            try await clock.sleep(for: .seconds(25))
        }
        async let running: Void = task.run()
        // Sleepers: the scheduler, plus each run still going.
        for sleepers in [1, 2, 3] {
            await clock.waitForSleepers(count: sleepers)
            clock.advance(by: .seconds(10))
        }
        await clock.waitForSleepers(count: 4)
        #expect(starts.all == [10, 20, 30])
        #expect(active.peak == 3)
        task.stop()
        // Shutdown waits for the runs still going.
        clock.advance(by: .seconds(30))
        try await running
        #expect(active.current == 0)
    }
}
