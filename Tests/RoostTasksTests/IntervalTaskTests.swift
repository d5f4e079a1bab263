import Logging
import RoostCore
import RoostTasks
import RoostTestSupport
import ServiceLifecycle
import Testing

@Suite struct IntervalTaskTests {
    @Test func waitsTheIntervalAfterEachRunEnds() async throws {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        let task = IntervalTask(name: "interval", interval: .seconds(10), clock: clock) {
            starts.append(clock.seconds)
            try await clock.sleep(for: .seconds(3))
        }
        async let running: Void = task.run()
        for _ in 0..<6 { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(starts.all == [10, 23, 36])
        #expect(!task.isRunning)
    }

    @Test func runsImmediatelyWhenAsked() async throws {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        let task = IntervalTask(name: "interval", interval: .seconds(5), runsImmediately: true, clock: clock) {
            starts.append(clock.seconds)
        }
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(starts.all == [0, 5])
    }

    @Test func aFailingRunIsLoggedAndTheNextStillHappens() async throws {
        let clock = ManualClock()
        let capture = LogCapture()
        let runs = Counter()
        let task = IntervalTask(name: "flaky", interval: .seconds(1), clock: clock, logger: capture.logger) {
            if runs.increment() == 1 { throw TestFailure(id: 1) }
        }
        async let running: Void = task.run()
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(runs.current == 2)
        let errors = capture.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["task"] == "flaky")
        #expect(errors.first?.metadata["error"]?.description.contains("TestFailure(id: 1)") == true)
    }

    @Test func stopLetsTheRunInProgressFinish() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let finished = Counter()
        let task = IntervalTask(name: "slow", interval: .seconds(1), runsImmediately: true, clock: clock) {
            await gate.wait()
            finished.increment()
        }
        let running = Task { try await task.run() }
        await eventually { gate.waiterCount == 1 }
        #expect(task.isRunning)
        task.stop()
        await Task.yield()
        #expect(task.isRunning)
        gate.open()
        try await running.value
        #expect(finished.current == 1)
        #expect(!task.isRunning)
        #expect(clock.sleeperCount == 0)
    }

    @Test func gracefulShutdownOfTheServiceGroupEndsTheTask() async throws {
        let clock = ManualClock()
        let runs = Counter()
        let task = IntervalTask(name: "grouped", interval: .seconds(1), clock: clock) { runs.increment() }
        let group = ServiceGroup(services: [task], logger: Logger(label: "test"))
        async let running: Void = group.run()
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        await group.triggerGracefulShutdown()
        try await running
        #expect(runs.current == 1)
        #expect(!task.isRunning)
    }

    @Test func cancellationCancelsTheRunInProgress() async throws {
        let clock = ManualClock()
        let cancelled = Counter()
        let task = IntervalTask(name: "cancelled", interval: .seconds(1), runsImmediately: true, clock: clock) {
            do { try await clock.sleep(for: .seconds(100)) } catch { cancelled.increment(); throw error }
        }
        let running = Task { try await task.run() }
        await clock.waitForSleepers(count: 1)
        running.cancel()
        try await running.value
        #expect(cancelled.current == 1)
        #expect(!task.isRunning)
    }

    @Test func startingTwiceThrowsTheTypedError() async throws {
        let clock = ManualClock()
        let task = IntervalTask(name: "once", interval: .seconds(1), clock: clock) {}
        async let running: Void = task.run()
        await clock.waitForSleepers(count: 1)
        let error = await #expect(throws: ScheduledTaskError.self) { try await task.run() }
        #expect(error == ScheduledTaskError(task: "once", reason: .alreadyRunning))
        #expect(error?.code == "tasks.schedule.already_running")
        task.stop()
        try await running
        // Once stopped, it can run again.
        async let again: Void = task.run()
        await clock.waitForSleepers(count: 1)
        #expect(task.isRunning)
        task.stop()
        try await again
    }

    @Test func stopBeforeRunEndsTheRunAtOnce() async throws {
        let runs = Counter()
        let task = IntervalTask(name: "early", interval: .seconds(1), runsImmediately: true, clock: ManualClock()) {
            runs.increment()
        }
        task.stop()
        try await task.run()
        #expect(runs.current == 0)
        #expect(!task.isRunning)
    }

    @Test func jitterDelaysEachRunByARandomPart() async throws {
        let clock = ManualClock()
        let starts = EventLog<Double>()
        // 1 << 63 maps to exactly one half, 0 to zero.
        let task = IntervalTask(
            name: "jittered", interval: .seconds(10), jitter: .seconds(4), random: FixedRandom(1 << 63, 0),
            clock: clock
        ) { starts.append(clock.seconds) }
        async let running: Void = task.run()
        for _ in 0..<3 { await clock.advanceToNextDeadline() }
        await clock.waitForSleepers(count: 1)
        task.stop()
        try await running
        #expect(starts.all == [12, 22])
    }
}
