import RoostTasks
import RoostTestSupport
import Testing

@Suite struct NamedConcurrencyLimiterTests {
    @Test func callersOfOneNameShareOneOperationAndOneSlot() async throws {
        let limiter = NamedConcurrencyLimiter<String, Int, ManualClock>(maxRunning: 1, maxWaiting: 1, clock: ManualClock())
        let gate = Gate()
        let runs = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await limiter.run(name: "feed") {
                        runs.increment()
                        await gate.wait()
                        return 3
                    }
                }
            }
            await eventually { limiter.callerCount(name: "feed") == 10 }
            #expect(limiter.limiter.runningCount == 1)
            #expect(limiter.limiter.waitingCount == 0)
            // Another name still takes the one waiting place.
            group.addTask { try await limiter.run(name: "other") { 4 } }
            await eventually { limiter.limiter.waitingCount == 1 }
            gate.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.sorted() == Array(repeating: 3, count: 10) + [4])
        #expect(runs.current == 1)
        #expect(limiter.activeNameCount == 0)
    }

    @Test func rejectionReachesEveryCallerOfTheName() async throws {
        let limiter = NamedConcurrencyLimiter<Int, Int, ManualClock>(maxRunning: 1, maxWaiting: 0, clock: ManualClock())
        let gate = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await limiter.run(name: 1) { await gate.wait(); return 1 } }
            await eventually { limiter.limiter.runningCount == 1 }
            let error = await #expect(throws: ConcurrencyLimiterError.self) {
                try await limiter.run(name: 2) { 2 }
            }
            #expect(error?.reason == .queueFull(maxRunning: 1, maxWaiting: 0))
            gate.open()
            try await group.waitForAll()
        }
        #expect(try await limiter.run(name: 2) { 2 } == 2)
    }
}
