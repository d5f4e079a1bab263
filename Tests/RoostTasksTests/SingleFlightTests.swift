import RoostTasks
import RoostTestSupport
import Testing

@Suite struct SingleFlightTests {
    @Test func thousandConcurrentCallersShareOneRun() async throws {
        let flights = SingleFlight<String, Int>()
        let gate = Gate()
        let runs = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    try await flights.run(key: "user:42") {
                        runs.increment()
                        await gate.wait()
                        return 42
                    }
                }
            }
            await eventually { flights.waiterCount(key: "user:42") == 1_000 }
            gate.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.count == 1_000)
        #expect(results.allSatisfy { $0 == 42 })
        #expect(runs.current == 1)
        #expect(flights.inFlightCount == 0)
    }

    @Test func failingRunReachesEveryWaiterAndTheNextCallRunsAgain() async throws {
        let flights = SingleFlight<String, Int>()
        let gate = Gate()
        let runs = Counter()
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    do {
                        _ = try await flights.run(key: "k") {
                            runs.increment()
                            await gate.wait()
                            throw TestFailure(id: 1)
                        }
                        return false
                    } catch {
                        return error as? TestFailure == TestFailure(id: 1)
                    }
                }
            }
            await eventually { flights.waiterCount(key: "k") == 1_000 }
            gate.open()
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(failures == 1_000)
        #expect(runs.current == 1)

        let value = try await flights.run(key: "k") {
            runs.increment()
            return 7
        }
        #expect(value == 7)
        #expect(runs.current == 2)
    }

    @Test func cancellingTheStarterDoesNotCancelTheOthers() async throws {
        let flights = SingleFlight<String, String>()
        let gate = Gate()
        let runs = Counter()
        let operation: @Sendable () async throws -> String = {
            runs.increment()
            await gate.wait()
            try Task.checkCancellation()
            return "value"
        }
        let starter = Task { try await flights.run(key: "k", operation: operation) }
        await eventually { flights.waiterCount(key: "k") == 1 }
        let follower = Task { try await flights.run(key: "k", operation: operation) }
        await eventually { flights.waiterCount(key: "k") == 2 }

        starter.cancel()
        await #expect(throws: CancellationError.self) { try await starter.value }
        #expect(flights.waiterCount(key: "k") == 1)

        gate.open()
        #expect(try await follower.value == "value")
        #expect(runs.current == 1)
    }

    @Test func runIsCancelledWhenEveryWaiterLeaves() async throws {
        let flights = SingleFlight<Int, Int>()
        let clock = ManualClock()
        let (observed, observer) = AsyncStream<Bool>.makeStream()
        let operation: @Sendable () async throws -> Int = {
            do {
                try await clock.sleep(for: .seconds(60))
                observer.yield(false)
                return 1
            } catch {
                observer.yield(error is CancellationError)
                throw error
            }
        }
        let first = Task { try await flights.run(key: 1, operation: operation) }
        let second = Task { try await flights.run(key: 1, operation: operation) }
        await clock.waitForSleepers(count: 1)
        await eventually { flights.waiterCount(key: 1) == 2 }
        first.cancel()
        second.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        await #expect(throws: CancellationError.self) { try await second.value }
        var iterator = observed.makeAsyncIterator()
        #expect(await iterator.next() == true)
        #expect(flights.inFlightCount == 0)
    }

    @Test func alreadyCancelledCallerDoesNotStartARun() async throws {
        let flights = SingleFlight<Int, Int>()
        let runs = Counter()
        let gate = Gate()
        let task = Task {
            await gate.wait()
            return try await flights.run(key: 1) {
                runs.increment()
                return 1
            }
        }
        task.cancel()
        gate.open()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(runs.current == 0)
        #expect(flights.inFlightCount == 0)
    }

    @Test func differentKeysRunIndependently() async throws {
        let flights = SingleFlight<Int, Int>()
        let runs = Counter()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for key in 0..<10 {
                group.addTask {
                    try await flights.run(key: key) {
                        runs.increment()
                        return key * 2
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(values == Set((0..<10).map { $0 * 2 }))
        #expect(runs.current == 10)
    }
}
