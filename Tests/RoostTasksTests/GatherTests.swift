import RoostTasks
import RoostTestSupport
import Testing

@Suite struct GatherTests {
    @Test func gatherReturnsResultsInInputOrder() async throws {
        let gates = (0..<3).map { _ in Gate() }
        async let results = gather((0..<3).map { index in
            { @Sendable () async throws -> Int in
                await gates[index].wait()
                return index * 10
            }
        })
        // Finish them in reverse order; the results still follow the input.
        for gate in gates.reversed() {
            await eventually { gate.waiterCount == 1 }
            gate.open()
        }
        #expect(try await results == [0, 10, 20])
    }

    @Test func gatherFailsWithTheFirstErrorAndCancelsTheRest() async throws {
        let clock = ManualClock()
        let cancelled = Counter()
        await #expect(throws: TestFailure(id: 2)) {
            try await gather([
                { @Sendable () async throws -> Int in
                    do { try await clock.sleep(for: .seconds(60)) } catch {
                        cancelled.increment()
                        throw error
                    }
                    return 1
                },
                { @Sendable () async throws -> Int in
                    await clock.waitForSleepers(count: 1)
                    throw TestFailure(id: 2)
                },
            ])
        }
        #expect(cancelled.current == 1)
    }

    @Test func gatherOfNothingIsEmpty() async throws {
        let operations: [@Sendable () async throws -> Int] = []
        #expect(try await gather(operations).isEmpty)
    }

    @Test func gatherSettledKeepsEveryOutcome() async throws {
        let results = await gatherSettled([
            { @Sendable () async throws -> Int in 1 },
            { @Sendable () async throws -> Int in throw TestFailure(id: 9) },
            { @Sendable () async throws -> Int in 3 },
        ])
        #expect(results.count == 3)
        #expect(try results[0].get() == 1)
        #expect(throws: TestFailure(id: 9)) { try results[1].get() }
        #expect(try results[2].get() == 3)
    }

    @Test func raceReturnsTheFirstAndCancelsTheOthers() async throws {
        let clock = ManualClock()
        let cancelled = Counter()
        let winner = try await race([
            { @Sendable () async throws -> String in
                do { try await clock.sleep(for: .seconds(10)) } catch {
                    cancelled.increment()
                    throw error
                }
                return "slow"
            },
            { @Sendable () async throws -> String in
                await clock.waitForSleepers(count: 1)
                return "fast"
            },
        ])
        #expect(winner == "fast")
        #expect(cancelled.current == 1)
    }

    @Test func raceRethrowsAFirstFailure() async throws {
        let clock = ManualClock()
        await #expect(throws: TestFailure(id: 4)) {
            try await race([
                { @Sendable () async throws -> Int in
                    try await clock.sleep(for: .seconds(10))
                    return 1
                },
                { @Sendable () async throws -> Int in throw TestFailure(id: 4) },
            ])
        }
    }

    @Test func batchesRunOneWaveAtATime() async throws {
        let active = Counter()
        let waves = EventLog<Int>()
        let results = try await inBatches(of: 3, 0..<8) { item in
            active.increment()
            waves.append(item)
            await Task.yield()
            active.decrement()
            return item * item
        }
        #expect(results == (0..<8).map { $0 * $0 })
        #expect(active.peak <= 3)
        // Items of a batch all start before any item of the next batch.
        let order = waves.all
        for (position, item) in order.enumerated() {
            #expect(position / 3 == item / 3)
        }
    }

    @Test func aFailingBatchStopsLaterBatches() async throws {
        let started = Counter()
        await #expect(throws: TestFailure(id: 1)) {
            try await inBatches(of: 2, 0..<10) { item in
                started.increment()
                if item == 1 { throw TestFailure(id: 1) }
                return item
            }
        }
        #expect(started.current == 2)
    }

    @Test func slidingWindowKeepsWidthRunningAndInputOrder() async throws {
        let gates = (0..<6).map { _ in Gate() }
        let active = Counter()
        async let results = slidingWindow(of: 2, 0..<6) { item in
            active.increment()
            await gates[item].wait()
            active.decrement()
            return "item \(item)"
        }
        await eventually { gates[0].waiterCount == 1 && gates[1].waiterCount == 1 }
        #expect(gates[2].waiterCount == 0)
        // Freeing one slot starts exactly one more item.
        gates[1].open()
        await eventually { gates[2].waiterCount == 1 }
        #expect(gates[3].waiterCount == 0)
        for gate in gates { gate.open() }
        #expect(try await results == (0..<6).map { "item \($0)" })
        #expect(active.peak == 2)
    }

    @Test func slidingWindowStopsAtTheFirstError() async throws {
        let started = Counter()
        await #expect(throws: TestFailure(id: 0)) {
            try await slidingWindow(of: 1, 0..<5) { item in
                started.increment()
                throw TestFailure(id: item)
            }
        }
        #expect(started.current == 1)
    }
}
