import RoostCore
import RoostTasks
import RoostTestSupport
import Testing

@Suite struct ConcurrencyLimiterTests {
    @Test func neverRunsMoreThanTheLimit() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 3, maxWaiting: 100, clock: ManualClock())
        let gate = Gate()
        let active = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.run {
                        active.increment()
                        await gate.wait()
                        active.decrement()
                    }
                }
            }
            await eventually { limiter.runningCount == 3 && limiter.waitingCount == 17 }
            #expect(gate.waiterCount == 3)
            gate.open()
            try await group.waitForAll()
        }
        #expect(active.peak == 3)
        #expect(limiter.runningCount == 0)
        #expect(limiter.waitingCount == 0)
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 10, clock: ManualClock())
        let gate = Gate()
        let order = EventLog<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await limiter.run { await gate.wait() } }
            await eventually { limiter.runningCount == 1 }
            for index in 0..<5 {
                group.addTask { try await limiter.run { order.append(index) } }
                await eventually { limiter.waitingCount == index + 1 }
            }
            gate.open()
            try await group.waitForAll()
        }
        #expect(order.all == [0, 1, 2, 3, 4])
    }

    @Test func fullQueueRejectsWithTypedError() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 1, clock: ManualClock())
        let gate = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await limiter.run { await gate.wait() } }
            await eventually { limiter.runningCount == 1 }
            group.addTask { try await limiter.run {} }
            await eventually { limiter.waitingCount == 1 }

            let error = try await #require(throws: ConcurrencyLimiterError.self) {
                try await limiter.run { Issue.record("rejected operation ran") }
            }
            #expect(error.reason == .queueFull(maxRunning: 1, maxWaiting: 1))
            #expect(error.code == "tasks.limiter.queue_full")
            gate.open()
            try await group.waitForAll()
        }
    }

    @Test func zeroWaitingRejectsWhenBusy() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 0, clock: ManualClock())
        let gate = Gate()
        async let holder: Void = limiter.run { await gate.wait() }
        await eventually { limiter.runningCount == 1 }
        await #expect(throws: ConcurrencyLimiterError(reason: .queueFull(maxRunning: 1, maxWaiting: 0))) {
            try await limiter.run {}
        }
        gate.open()
        try await holder
    }

    @Test func queueTimeoutFollowsTheInjectedClock() async throws {
        let clock = ManualClock()
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 5, queueTimeout: .seconds(5), clock: clock)
        let gate = Gate()
        async let holder: Void = limiter.run { await gate.wait() }
        await eventually { limiter.runningCount == 1 }

        let waiter = Task { try await limiter.run { Issue.record("timed-out operation ran") } }
        await clock.waitForSleepers(count: 1)
        #expect(limiter.waitingCount == 1)
        clock.advance(by: .seconds(4))
        #expect(limiter.waitingCount == 1)
        clock.advance(by: .seconds(1))

        let error = try await #require(throws: ConcurrencyLimiterError.self) { try await waiter.value }
        #expect(error.reason == .queueTimeout(.seconds(5)))
        #expect(error.code == "tasks.limiter.queue_timeout")
        #expect(limiter.waitingCount == 0)

        gate.open()
        try await holder
        #expect(limiter.runningCount == 0)
    }

    @Test func slotBeforeTimeoutCancelsTheTimer() async throws {
        let clock = ManualClock()
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 5, queueTimeout: .seconds(5), clock: clock)
        let gate = Gate()
        async let holder: Void = limiter.run { await gate.wait() }
        await eventually { limiter.runningCount == 1 }
        async let waiter = limiter.run { "ran" }
        await clock.waitForSleepers(count: 1)
        gate.open()
        try await holder
        #expect(try await waiter == "ran")
        #expect(clock.sleeperCount == 0)
        #expect(limiter.runningCount == 0)
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 5, clock: ManualClock())
        let gate = Gate()
        async let holder: Void = limiter.run { await gate.wait() }
        await eventually { limiter.runningCount == 1 }
        let waiter = Task { try await limiter.run { Issue.record("cancelled operation ran") } }
        await eventually { limiter.waitingCount == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.waitingCount == 0)
        gate.open()
        try await holder
        #expect(limiter.runningCount == 0)
    }

    @Test func operationErrorPropagatesAndFreesTheSlot() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 0, clock: ManualClock())
        await #expect(throws: TestFailure(id: 3)) {
            try await limiter.run { throw TestFailure(id: 3) }
        }
        #expect(limiter.runningCount == 0)
        #expect(try await limiter.run { 5 } == 5)
    }

    @Test func aFreedSlotPassesToTheWaiterNotToANewcomer() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 1, clock: ManualClock())
        let holderGate = Gate()
        let waiterGate = Gate()
        let order = EventLog<String>()
        async let holder: Void = limiter.run { await holderGate.wait() }
        await eventually { limiter.runningCount == 1 }
        async let waiter: Void = limiter.run {
            order.append("waiter")
            await waiterGate.wait()
        }
        await eventually { limiter.waitingCount == 1 }
        holderGate.open()
        try await holder
        await eventually { order.all == ["waiter"] }
        // The slot went straight to the waiter: a newcomer now has to queue.
        #expect(limiter.runningCount == 1)
        async let newcomer: Void = limiter.run { order.append("newcomer") }
        await eventually { limiter.waitingCount == 1 }
        #expect(order.all == ["waiter"])
        waiterGate.open()
        try await waiter
        try await newcomer
        #expect(order.all == ["waiter", "newcomer"])
        #expect(limiter.runningCount == 0)
    }

    @Test func manyWaitersWithTimeoutsAreServedInOrder() async throws {
        let clock = ManualClock()
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 50, queueTimeout: .seconds(30), clock: clock)
        let gate = Gate()
        let order = EventLog<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await limiter.run { await gate.wait() } }
            await eventually { limiter.runningCount == 1 }
            for index in 0..<50 {
                group.addTask { try await limiter.run { order.append(index) } }
                await eventually { limiter.waitingCount == index + 1 }
            }
            // Each waiter also has a timeout timer running on the clock.
            await clock.waitForSleepers(count: 50)
            gate.open()
            try await group.waitForAll()
        }
        #expect(order.all == Array(0..<50))
        #expect(limiter.runningCount == 0)
    }
}
