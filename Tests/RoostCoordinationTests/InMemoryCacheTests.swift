import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

@Suite struct InMemoryCacheContractTests {
    @Test(arguments: CacheContract.cases)
    func contract(_ check: ContractCase<CacheContractEnvironment>) async throws {
        let clock = ManualClock()
        let cache = InMemoryCache(clock: clock)
        try await check.run(CacheContractEnvironment(time: .manual(clock)) { cache })
    }
}

@Suite struct InMemoryCacheTests {
    @Test func theLeastRecentlyUsedEntryIsEvictedFirst() async throws {
        let cache = InMemoryCache(maxEntries: 3, clock: ManualClock())
        for key in ["a", "b", "c"] { try cache.set(key, to: key, ttl: nil) }
        #expect(try cache.get("a", as: String.self) == "a")
        try cache.set("d", to: "d", ttl: nil)
        #expect(try cache.get("b", as: String.self) == nil)
        #expect(try cache.get("a", as: String.self) == "a")
        #expect(cache.count == 3)
        #expect(cache.evictionCount == 1)
        try cache.set("c", to: "c2", ttl: nil)
        try cache.set("e", to: "e", ttl: nil)
        #expect(try cache.get("d", as: String.self) == nil)
        #expect(try cache.get("a", as: String.self) == "a")
        #expect(try cache.get("c", as: String.self) == "c2")
        #expect(cache.count == 3)
    }

    @Test func expiredEntriesAreSweptBeforeLiveOnesAreEvicted() async throws {
        let clock = ManualClock()
        let cache = InMemoryCache(maxEntries: 100, clock: clock)
        for index in 0..<100 { try cache.set("old:\(index)", to: index, ttl: .seconds(1)) }
        clock.advance(by: .seconds(1))
        for index in 0..<250 { try cache.set("new:\(index)", to: index, ttl: nil) }
        #expect(cache.count == 100)
        #expect(cache.evictionCount == 150)
        #expect(try cache.get("new:249", as: Int.self) == 249)
        #expect(try cache.get("new:149", as: Int.self) == nil)
    }

    @Test func aWaiterTakesOverWhenTheComputingCallerIsCancelled() async throws {
        let cache = InMemoryCache(clock: ManualClock())
        let gate = Gate()
        let computing = Task {
            try await cache.getOrCompute("k", ttl: nil, waitTimeout: .seconds(60)) { () -> Int in
                await gate.wait()
                try Task.checkCancellation()
                return 1
            }
        }
        await eventually { gate.waiterCount == 1 }
        async let waiter = cache.getOrCompute("k", ttl: nil, waitTimeout: .seconds(60)) { 2 }
        // Let the waiter join the flight, then end the computation by cancelling its owner.
        for _ in 0..<1_000 { await Task.yield() }
        computing.cancel()
        gate.open()
        await #expect(throws: CancellationError.self) { try await computing.value }
        #expect(try await waiter == 2)
        #expect(try cache.get("k", as: Int.self) == 2)
    }

    @Test func aWaitTimeoutIsMeasuredOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let cache = InMemoryCache(clock: clock)
        let gate = Gate()
        async let computed = cache.getOrCompute("k", ttl: nil, waitTimeout: .seconds(60)) { () -> Int in
            await gate.wait()
            return 1
        }
        await eventually { gate.waiterCount == 1 }
        async let waited = cache.getOrCompute("k", ttl: nil, waitTimeout: .seconds(5)) { 2 }
        await clock.waitForSleepers(count: 1)
        #expect(clock.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(5))])
        clock.advance(by: .seconds(5))
        do {
            _ = try await waited
            Issue.record("the wait did not time out")
        } catch let error as CacheError {
            #expect(error.reason == .waitTimeout(.seconds(5)))
        }
        gate.open()
        #expect(try await computed == 1)
    }
}
