import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

/// A lock that provides only the primitives, so that waiting comes from the protocol's
/// polling defaults, as it does for backends without release notifications.
private final class PollingLock: DistributedLock {
    let base: InMemoryLock<ManualClock>
    var clock: ManualClock { base.clock }

    init(clock: ManualClock) { base = InMemoryLock(clock: clock) }

    func tryAcquire(_ key: String, ttl: Duration) async throws -> LockLease? { try base.tryAcquire(key, ttl: ttl) }
    func release(_ lease: LockLease) async throws -> Bool { base.release(lease) }
    func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool { try base.extend(lease, ttl: ttl) }
    func isLocked(_ key: String) async throws -> Bool { base.isLocked(key) }
    func forceRelease(_ key: String) async throws -> Bool { base.forceRelease(key) }
}

/// A concurrency limiter that provides only the primitives; see ``PollingLock``.
private final class PollingConcurrencyLimiter: DistributedConcurrencyLimiter {
    let base: InMemoryConcurrencyLimiter<ManualClock>
    var clock: ManualClock { base.clock }

    init(clock: ManualClock) { base = InMemoryConcurrencyLimiter(clock: clock) }

    func tryAcquire(_ key: String, limit: Int, ttl: Duration) async throws -> LockLease? {
        try base.tryAcquire(key, limit: limit, ttl: ttl)
    }
    func release(_ lease: LockLease) async throws -> Bool { base.release(lease) }
    func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool { try base.extend(lease, ttl: ttl) }
    func holderCount(_ key: String) async throws -> Int { base.holderCount(key) }
}

@Suite struct PollingDefaultsContractTests {
    @Test(arguments: LockContract.cases)
    func lockContract(_ check: ContractCase<LockContractEnvironment>) async throws {
        let clock = ManualClock()
        let lock = PollingLock(clock: clock)
        try await check.run(LockContractEnvironment(time: .manual(clock)) { lock })
    }

    @Test(arguments: ConcurrencyLimiterContract.cases)
    func limiterContract(_ check: ContractCase<ConcurrencyLimiterContractEnvironment>) async throws {
        let clock = ManualClock()
        let limiter = PollingConcurrencyLimiter(clock: clock)
        try await check.run(ConcurrencyLimiterContractEnvironment(time: .manual(clock)) { limiter })
    }

    @Test func pollingWaitsFollowTheDefaultJitteredBackoff() async throws {
        let clock = ManualClock()
        let lock = PollingLock(clock: clock)
        _ = try #require(try await lock.tryAcquire("k", ttl: .seconds(3_600)))
        async let waiter: Void = lock.waitUntilFree("k", timeout: .seconds(5))
        var wakes: [Duration] = []
        while wakes.last != .seconds(5) {
            await clock.waitForSleepers(count: 1)
            let deadline = try #require(clock.sleeperDeadlines.first)
            wakes.append(deadline.offset)
            clock.advance(to: deadline)
        }
        do {
            try await waiter
            Issue.record("the wait did not time out")
        } catch let error as LockError {
            #expect(error == LockError(key: "k", reason: .timeout(.seconds(5))))
        }
        // 10 ms doubling to a 1 s cap, with equal jitter: each gap is between half and all of it.
        let gaps = zip([Duration.zero] + wakes, wakes).map { $1 - $0 }
        for (index, gap) in gaps.dropLast().enumerated() {
            let full = min(Duration.seconds(1), .milliseconds(10) * (1 << index))
            #expect(gap >= full / 2 && gap <= full, "retry \(index + 1) waited \(gap)")
        }
    }
}
