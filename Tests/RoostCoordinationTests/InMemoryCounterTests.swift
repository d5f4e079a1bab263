import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

@Suite struct InMemoryCounterTests {
    @Test func incrementDecrementGetReset() async throws {
        let counters = InMemoryCounter(clock: ManualClock())
        #expect(counters.value("a") == 0)
        #expect(try counters.increment("a", by: 1, ttl: nil) == 1)
        #expect(try counters.increment("a", by: 5, ttl: nil) == 6)
        #expect(try await counters.decrement("a", by: 2) == 4)
        #expect(try await counters.decrement("b") == -1)
        #expect(counters.value("a") == 4)
        counters.reset("a")
        #expect(counters.value("a") == 0)
        #expect(counters.value("b") == -1)
    }

    @Test func usableThroughTheProtocol() async throws {
        let counters: any Counter = InMemoryCounter(clock: ManualClock())
        try await counters.increment("k")
        try await counters.increment("k")
        #expect(try await counters.value("k") == 2)
        try await counters.reset("k")
        #expect(try await counters.value("k") == 0)
    }

    @Test func ttlIsSetWhenTheCounterIsCreatedAndNotExtended() async throws {
        let clock = ManualClock()
        let counters = InMemoryCounter(clock: clock)
        #expect(try counters.increment("period", by: 1, ttl: .seconds(60)) == 1)
        clock.advance(by: .seconds(40))
        #expect(try counters.increment("period", by: 1, ttl: .seconds(60)) == 2)
        #expect(counters.timeToLive("period") == .seconds(20))
        clock.advance(by: .seconds(20))
        #expect(counters.value("period") == 0)
        #expect(counters.timeToLive("period") == nil)
        #expect(try counters.increment("period", by: 1, ttl: .seconds(60)) == 1)
        #expect(counters.timeToLive("period") == .seconds(60))
    }

    @Test func countersWithoutTTLNeverExpire() async throws {
        let clock = ManualClock()
        let counters = InMemoryCounter(clock: clock)
        try counters.increment("forever", by: 3, ttl: nil)
        clock.advance(by: .seconds(86_400 * 365))
        #expect(counters.value("forever") == 3)
        #expect(counters.timeToLive("forever") == nil)
    }

    @Test func overflowIsATypedError() async throws {
        let counters = InMemoryCounter(clock: ManualClock())
        try counters.increment("big", by: .max, ttl: nil)
        let error = try #require(throws: CounterError.self) { try counters.increment("big", by: 1, ttl: nil) }
        #expect(error == CounterError(key: "big", reason: .overflow))
        #expect(error.code == "coordination.counter.overflow")
        #expect(counters.value("big") == .max)
        await #expect(throws: CounterError(key: "x", reason: .overflow)) {
            try await counters.decrement("x", by: .min)
        }
    }

    @Test(arguments: [Duration.zero, .seconds(-1)])
    func nonPositiveTTLIsRejected(ttl: Duration) async throws {
        let counters = InMemoryCounter(clock: ManualClock())
        let error = try #require(throws: CounterError.self) { try counters.increment("k", by: 1, ttl: ttl) }
        #expect(error.reason == .invalidTTL(ttl))
        #expect(error.code == "coordination.counter.invalid_ttl")
        #expect(counters.value("k") == 0)
    }

    @Test func expiredCountersAreSweptAsTheTableGrows() async throws {
        let clock = ManualClock()
        let counters = InMemoryCounter(clock: clock)
        for index in 0..<1_000 { try counters.increment("old:\(index)", by: 1, ttl: .seconds(1)) }
        clock.advance(by: .seconds(2))
        for index in 0..<100 { try counters.increment("new:\(index)", by: 1, ttl: nil) }
        #expect(counters.storedCount < 200)
    }

    @Test func concurrentIncrementsAreExact() async throws {
        let counters = InMemoryCounter(clock: ManualClock())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask { for _ in 0..<100 { try await counters.increment("shared") } }
            }
            try await group.waitForAll()
        }
        #expect(counters.value("shared") == 10_000)
    }
}

@Suite struct InMemoryCounterContractTests {
    @Test(arguments: CounterContract.cases)
    func contract(_ check: ContractCase<CounterContractEnvironment>) async throws {
        let clock = ManualClock()
        let counter = InMemoryCounter(clock: clock)
        try await check.run(CounterContractEnvironment(time: .manual(clock)) { counter })
    }
}
