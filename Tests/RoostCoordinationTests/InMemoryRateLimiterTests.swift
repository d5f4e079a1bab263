import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

private func approximatelyEqual(_ lhs: Duration, _ rhs: Duration) -> Bool {
    let difference = lhs > rhs ? lhs - rhs : rhs - lhs
    return difference < .microseconds(1)
}

@Suite struct FixedWindowTests {
    @Test func allowsTheLimitThenDeniesUntilTheWindowEnds() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 3, window: .seconds(10)), clock: clock)
        for remaining in [2, 1, 0] {
            #expect(try limiter.acquire("k", cost: 1) == RateLimitResult(allowed: true, remaining: remaining, retryAfter: .zero))
        }
        clock.advance(by: .seconds(4))
        #expect(try limiter.acquire("k", cost: 1) == RateLimitResult(allowed: false, remaining: 0, retryAfter: .seconds(6)))
        clock.advance(by: .seconds(6))
        #expect(try limiter.acquire("k", cost: 1) == RateLimitResult(allowed: true, remaining: 2, retryAfter: .zero))
    }

    @Test func keysAreIndependent() async throws {
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 1, window: .seconds(1)), clock: ManualClock())
        #expect(try await limiter.acquire("a").allowed)
        #expect(try await limiter.acquire("b").allowed)
        #expect(try await limiter.acquire("a").allowed == false)
    }

    @Test func deniedRequestsConsumeNothingAndCostsAdd() async throws {
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 10, window: .seconds(1)), clock: ManualClock())
        #expect(try limiter.acquire("k", cost: 7).remaining == 3)
        #expect(try limiter.acquire("k", cost: 4).allowed == false)
        #expect(try limiter.acquire("k", cost: 3) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
    }

    @Test func resetStartsAFreshWindow() async throws {
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 1, window: .seconds(60)), clock: ManualClock())
        #expect(try limiter.acquire("k", cost: 1).allowed)
        limiter.reset("k")
        #expect(try limiter.acquire("k", cost: 1).allowed)
    }

    @Test func exactCountUnderConcurrency() async throws {
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 500, window: .seconds(1)), clock: ManualClock())
        let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    var count = 0
                    for _ in 0..<20 {
                        if try await limiter.acquire("hot").allowed { count += 1 }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(allowed == 500)
    }

    @Test func endedWindowsAreSwept() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 1, window: .seconds(1)), clock: clock)
        for index in 0..<1_000 { _ = try limiter.acquire("ip:\(index)", cost: 1) }
        clock.advance(by: .seconds(1))
        for index in 0..<100 { _ = try limiter.acquire("fresh:\(index)", cost: 1) }
        #expect(limiter.trackedKeyCount < 200)
    }
}

@Suite struct TokenBucketTests {
    let strategy = RateLimitStrategy.tokenBucket(capacity: 5, refill: 1, interval: .seconds(2))

    @Test func burstUpToCapacityThenRefillsContinuously() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: clock)
        for remaining in (0..<5).reversed() {
            #expect(try limiter.acquire("k", cost: 1) == RateLimitResult(allowed: true, remaining: remaining, retryAfter: .zero))
        }
        let denied = try limiter.acquire("k", cost: 1)
        #expect(denied.allowed == false && denied.remaining == 0)
        #expect(approximatelyEqual(denied.retryAfter, .seconds(2)))

        clock.advance(by: .seconds(1))
        let halfway = try limiter.acquire("k", cost: 1)
        #expect(halfway.allowed == false)
        #expect(approximatelyEqual(halfway.retryAfter, .seconds(1)))

        clock.advance(by: .seconds(1))
        #expect(try limiter.acquire("k", cost: 1).allowed)
    }

    @Test func neverExceedsCapacityAfterLongIdle() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: clock)
        _ = try limiter.acquire("k", cost: 5)
        clock.advance(by: .seconds(3_600))
        #expect(try limiter.acquire("k", cost: 5) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
        #expect(try limiter.acquire("k", cost: 1).allowed == false)
    }

    @Test func retryAfterAccountsForTheCost() async throws {
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: ManualClock())
        _ = try limiter.acquire("k", cost: 4)
        let result = try limiter.acquire("k", cost: 3)
        #expect(result.allowed == false)
        #expect(result.remaining == 1)
        #expect(approximatelyEqual(result.retryAfter, .seconds(4)))
    }

    @Test func refilledBucketsAreSwept() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: clock)
        for index in 0..<1_000 { _ = try limiter.acquire("ip:\(index)", cost: 1) }
        clock.advance(by: .seconds(2))
        for index in 0..<100 { _ = try limiter.acquire("fresh:\(index)", cost: 1) }
        #expect(limiter.trackedKeyCount < 200)
    }
}

@Suite struct RateLimiterErrorTests {
    @Test(arguments: [0, -3])
    func nonPositiveCostIsRejected(cost: Int) async throws {
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 5, window: .seconds(1)), clock: ManualClock())
        let error = try #require(throws: RateLimiterError.self) { try limiter.acquire("k", cost: cost) }
        #expect(error.reason == .nonPositiveCost(cost))
        #expect(error.code == "coordination.rate_limit.invalid_cost")
    }

    @Test(arguments: [
        RateLimitStrategy.fixedWindow(limit: 5, window: .seconds(1)),
        .tokenBucket(capacity: 5, refill: 1, interval: .seconds(1)),
    ])
    func costAboveTheLimitIsRejected(strategy: RateLimitStrategy) async throws {
        let limiter: any RateLimiter = InMemoryRateLimiter(strategy: strategy, clock: ManualClock())
        await #expect(throws: RateLimiterError(key: "k", reason: .costExceedsLimit(cost: 6, limit: 5))) {
            try await limiter.acquire("k", cost: 6)
        }
    }
}

@Suite struct InMemoryRateLimiterContractTests {
    @Test(arguments: RateLimiterContract.cases)
    func contract(_ check: ContractCase<RateLimiterContractEnvironment>) async throws {
        let clock = ManualClock()
        try await check.run(RateLimiterContractEnvironment(time: .manual(clock)) { InMemoryRateLimiter(strategy: $0, clock: clock) })
    }
}

@Suite struct ApproximateSlidingWindowTests {
    let strategy = RateLimitStrategy.approximateSlidingWindow(limit: 10, window: .seconds(10))

    /// Units bunched at the end of a window count as if spread over it: the estimate lets
    /// more through than the exact log would, but never more than the limit per fixed window.
    @Test func unitsBunchedAtAWindowsEndAreUnderCountedWithinTheBound() async throws {
        let clock = ManualClock()
        let approximate = InMemoryRateLimiter(strategy: strategy, clock: clock)
        let exact = InMemoryRateLimiter(strategy: .slidingWindow(limit: 10, window: .seconds(10)), clock: clock)
        for limiter in [approximate, exact] { #expect(try limiter.acquire("k", cost: 1).allowed) }
        clock.advance(by: .milliseconds(9_900))
        for limiter in [approximate, exact] { #expect(try limiter.acquire("k", cost: 9).remaining == 0) }
        clock.advance(by: .milliseconds(5_100))
        // 15 s: the exact log still holds the 9 units of 9.9 s; the estimate counts half of all 10.
        #expect(try exact.acquire("k", cost: 2).allowed == false)
        #expect(try approximate.acquire("k", cost: 5) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
        // 14 units between 5 s and 15 s: over the limit, under twice the limit.
        #expect(try approximate.acquire("k", cost: 1).allowed == false)
    }

    @Test func resetForgetsTheKey() async throws {
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: ManualClock())
        #expect(try limiter.acquire("k", cost: 10).allowed)
        #expect(try limiter.acquire("k", cost: 1).allowed == false)
        limiter.reset("k")
        #expect(try limiter.acquire("k", cost: 10).allowed)
    }

    @Test func keysIdleForTwoWindowsAreSweptAndOthersKept() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: strategy, clock: clock)
        for index in 0..<1_000 { _ = try limiter.acquire("old:\(index)", cost: 1) }
        clock.advance(by: .seconds(10))
        for index in 0..<1_000 { _ = try limiter.acquire("recent:\(index)", cost: 10) }
        clock.advance(by: .seconds(10))
        for index in 0..<100 { _ = try limiter.acquire("fresh:\(index)", cost: 1) }
        // The old keys' windows are over; the recent ones still weigh as previous windows.
        #expect(limiter.trackedKeyCount == 1_100)
        #expect(try limiter.acquire("recent:0", cost: 1).allowed == false)
    }
}
