import Logging
import RoostTasks
import RoostTestSupport
import ServiceLifecycle
import Testing

@Suite struct BatchingBufferTests {
    func makeBuffer(
        clock: ManualClock, maxBatchSize: Int = 3, capacity: Int? = nil, logger: Logger = Logger(label: "test"),
        batches: EventLog<[Int]>, fail: @escaping @Sendable ([Int]) -> Bool = { _ in false }
    ) -> BatchingBuffer<Int, ManualClock> {
        BatchingBuffer(
            name: "numbers", maxBatchSize: maxBatchSize, maxDelay: .seconds(5), capacity: capacity, clock: clock,
            logger: logger
        ) { batch in
            batches.append(batch)
            if fail(batch) { throw TestFailure(id: batch[0]) }
        }
    }

    @Test func flushesAsSoonAsABatchIsFull() async throws {
        let clock = ManualClock()
        let batches = EventLog<[Int]>()
        let buffer = makeBuffer(clock: clock, batches: batches)
        let running = Task { try await buffer.run() }
        try buffer.append(contentsOf: [1, 2, 3, 4, 5, 6, 7])
        await eventually { batches.all.count == 2 }
        #expect(batches.all == [[1, 2, 3], [4, 5, 6]])
        #expect(buffer.pendingCount == 1)
        #expect(clock.seconds == 0)
        buffer.stop()
        try await running.value
        #expect(batches.all == [[1, 2, 3], [4, 5, 6], [7]])
    }

    @Test func flushesWhenTheOldestItemHasWaitedTheMaxDelay() async throws {
        let clock = ManualClock()
        let batches = EventLog<[Int]>()
        let buffer = makeBuffer(clock: clock, batches: batches)
        let running = Task { try await buffer.run() }
        try buffer.append(1)
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(3))
        try buffer.append(2)
        await Task.yield()
        #expect(batches.all.isEmpty)
        clock.advance(by: .seconds(2))
        await eventually { batches.all.count == 1 }
        #expect(batches.all == [[1, 2]])
        #expect(buffer.pendingCount == 0)
        // Nothing waits: the loop sleeps on no deadline.
        await Task.yield()
        #expect(clock.sleeperCount == 0)
        buffer.stop()
        try await running.value
    }

    @Test func gracefulShutdownFlushesWhatIsLeftAndRefusesMore() async throws {
        let clock = ManualClock()
        let batches = EventLog<[Int]>()
        let buffer = makeBuffer(clock: clock, batches: batches)
        try buffer.append(contentsOf: [1, 2])
        let group = ServiceGroup(services: [buffer], logger: Logger(label: "test"))
        async let running: Void = group.run()
        await clock.waitForSleepers(count: 1)
        try buffer.append(contentsOf: [3, 4, 5, 6, 7])
        await eventually { batches.all.count == 2 }
        await group.triggerGracefulShutdown()
        try await running
        #expect(batches.all == [[1, 2, 3], [4, 5, 6], [7]])
        #expect(clock.seconds == 0)
        #expect(!buffer.isRunning)
        #expect(throws: BatchingBufferError(buffer: "numbers", reason: .stopped)) { try buffer.append(7) }
    }

    @Test func appendsBeyondCapacityAreRefused() throws {
        let buffer = makeBuffer(clock: ManualClock(), capacity: 4, batches: EventLog())
        try buffer.append(contentsOf: [1, 2, 3])
        let error = try #require(throws: BatchingBufferError.self) { try buffer.append(contentsOf: [4, 5]) }
        #expect(error.reason == .full(capacity: 4))
        #expect(error.code == "tasks.buffer.full")
        #expect(buffer.pendingCount == 3)
        try buffer.append(4)
        #expect(throws: BatchingBufferError(buffer: "numbers", reason: .full(capacity: 4))) { try buffer.append(5) }
    }

    @Test func aFailedFlushIsLoggedAndLaterBatchesStillFlush() async throws {
        let clock = ManualClock()
        let batches = EventLog<[Int]>()
        let capture = LogCapture()
        let buffer = makeBuffer(clock: clock, logger: capture.logger, batches: batches) { $0.first == 1 }
        let running = Task { try await buffer.run() }
        try buffer.append(contentsOf: [1, 2, 3, 4, 5, 6])
        await eventually { batches.all.count == 2 }
        buffer.stop()
        try await running.value
        #expect(batches.all == [[1, 2, 3], [4, 5, 6]])
        let errors = capture.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["items"] == "3")
        #expect(errors.first?.metadata["buffer"] == "numbers")
    }

    @Test func cancellationStillFlushesWhatIsWaiting() async throws {
        let clock = ManualClock()
        let batches = EventLog<[Int]>()
        let buffer = makeBuffer(clock: clock, batches: batches)
        let running = Task { try await buffer.run() }
        try buffer.append(contentsOf: [1, 2])
        await clock.waitForSleepers(count: 1)
        running.cancel()
        try await running.value
        #expect(batches.all == [[1, 2]])
        #expect(throws: BatchingBufferError(buffer: "numbers", reason: .stopped)) { try buffer.append(3) }
    }

    @Test func startingTwiceThrowsTheTypedError() async throws {
        let clock = ManualClock()
        let buffer = makeBuffer(clock: clock, batches: EventLog())
        let running = Task { try await buffer.run() }
        await eventually { buffer.isRunning }
        await #expect(throws: ScheduledTaskError(task: "numbers", reason: .alreadyRunning)) { try await buffer.run() }
        buffer.stop()
        try await running.value
    }
}

