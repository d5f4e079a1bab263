import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@Suite struct TieredCacheContractTests {
    @Test(arguments: CacheContract.cases)
    func contract(_ check: ContractCase<CacheContractEnvironment>) async throws {
        let clock = ManualClock()
        let bus = InMemoryEventBus(clock: clock)
        let cache = TieredCache(
            local: InMemoryCache(clock: clock), shared: InMemoryCache(clock: clock), bus: bus, localTTL: .seconds(60))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cache.run() }
            await eventually { bus.subscriberCount == 1 }
            try await check.run(CacheContractEnvironment(time: .manual(clock)) { cache })
            await bus.shutdown()
            try await group.waitForAll()
        }
    }
}

@Suite struct TieredCacheTests {
    @Test func anotherInstanceDropsItsLocalCopyWhenAKeyChanges() async throws {
        let clock = ManualClock()
        let bus = InMemoryEventBus(clock: clock)
        let shared = InMemoryCache(clock: clock)
        let (localA, localB) = (InMemoryCache(clock: clock), InMemoryCache(clock: clock))
        let a = TieredCache(local: localA, shared: shared, bus: bus, localTTL: .seconds(60), instanceID: "a")
        let b = TieredCache(local: localB, shared: shared, bus: bus, localTTL: .seconds(60), instanceID: "b")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await a.run() }
            group.addTask { try await b.run() }
            await eventually { bus.subscriberCount == 2 }

            try await a.set("k", to: 1, ttl: nil)
            #expect(try await b.get("k", as: Int.self) == 1)
            #expect(try localB.get("k", as: Int.self) == 1)

            try await a.set("k", to: 2, ttl: nil)
            await eventually { (try? localB.get("k", as: Int.self)) == nil }
            #expect(try await b.get("k", as: Int.self) == 2)
            #expect(try localA.get("k", as: Int.self) == 2)

            try await b.delete("k")
            await eventually { (try? localA.get("k", as: Int.self)) == nil }
            #expect(try await a.get("k", as: Int.self) == nil)

            await bus.shutdown()
            try await group.waitForAll()
        }
    }

    @Test func localCopiesLiveAtMostTheLocalTTL() async throws {
        let clock = ManualClock()
        let shared = InMemoryCache(clock: clock)
        let local = InMemoryCache(clock: clock)
        let cache = TieredCache(local: local, shared: shared, bus: InMemoryEventBus(clock: clock), localTTL: .seconds(5))
        try await cache.set("k", to: "v", ttl: nil)
        // A change that bypasses the announcement (another writer of the shared tier).
        try shared.set("k", to: "w", ttl: nil)
        #expect(try await cache.get("k", as: String.self) == "v")
        clock.advance(by: .seconds(5))
        #expect(try await cache.get("k", as: String.self) == "w")
    }
}
