import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

@Suite struct InMemoryConcurrencyLimiterContractTests {
    @Test(arguments: ConcurrencyLimiterContract.cases)
    func contract(_ check: ContractCase<ConcurrencyLimiterContractEnvironment>) async throws {
        let clock = ManualClock()
        let limiter = InMemoryConcurrencyLimiter(clock: clock)
        try await check.run(ConcurrencyLimiterContractEnvironment(time: .manual(clock)) { limiter })
    }
}

@Suite struct InMemoryConcurrencyLimiterTests {
    @Test func anExpiredSlotIsMarkedLostWhenTakenOver() async throws {
        let clock = ManualClock()
        let limiter = InMemoryConcurrencyLimiter(clock: clock)
        let old = try #require(try limiter.tryAcquire("k", limit: 1, ttl: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(old.isHeld)
        _ = try #require(try limiter.tryAcquire("k", limit: 1, ttl: .seconds(1)))
        #expect(old.lostError?.reason == .expired)
    }

    @Test func aReleaseWakesAWaiterWithoutTimePassing() async throws {
        let clock = ManualClock()
        let limiter = InMemoryConcurrencyLimiter(clock: clock)
        let held = try #require(try limiter.tryAcquire("k", limit: 1, ttl: .seconds(60)))
        async let waiter = limiter.acquire("k", limit: 1, ttl: .seconds(60), timeout: .seconds(10))
        await clock.waitForSleepers(count: 1)
        limiter.release(held)
        #expect(try await waiter.fencingToken == 2)
        #expect(clock.now == ManualClock.Instant(offset: .zero))
    }
}
