import RoostCoordination
import RoostTestSupport
import Synchronization
import Testing

/// What a ``ConcurrencyLimiterContract`` check needs: limiter clients of the
/// implementation under test (all on the same backend) and control over time.
public struct ConcurrencyLimiterContractEnvironment: Sendable {
    /// Returns a client of the backend; every call may return the same instance.
    public let makeLimiter: @Sendable () async throws -> any DistributedConcurrencyLimiter
    /// How the check moves time.
    public let time: ContractTime
    /// Prefixes every key, so runs against a shared server do not collide.
    public let keyPrefix: String

    /// Creates an environment.
    public init(
        time: ContractTime, keyPrefix: String = uniqueKeyPrefix(),
        makeLimiter: @escaping @Sendable () async throws -> any DistributedConcurrencyLimiter
    ) {
        self.makeLimiter = makeLimiter
        self.time = time
        self.keyPrefix = keyPrefix
    }

    /// A key unique to this run.
    public func key(_ name: String) -> String { "\(keyPrefix):\(name)" }
}

/// The behaviour every ``DistributedConcurrencyLimiter`` implementation must show.
public enum ConcurrencyLimiterContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<ConcurrencyLimiterContractEnvironment>] = [
        ContractCase("at most limit holders at once; a release frees one slot") { env in
            let (one, two) = (try await env.makeLimiter(), try await env.makeLimiter())
            let key = env.key("slots")
            var leases: [LockLease] = []
            for _ in 0..<3 { leases.append(try #require(try await one.tryAcquire(key, limit: 3, ttl: .seconds(60)))) }
            #expect(try await two.tryAcquire(key, limit: 3, ttl: .seconds(60)) == nil)
            #expect(try await two.holderCount(key) == 3)
            #expect(Set(leases.map(\.token)).count == 3)
            #expect(zip(leases, leases.dropFirst()).allSatisfy { $0.fencingToken < $1.fencingToken })
            #expect(try await one.release(leases[1]))
            #expect(try await one.release(leases[1]) == false)
            #expect(try await two.holderCount(key) == 2)
            let next = try #require(try await two.tryAcquire(key, limit: 3, ttl: .seconds(60)))
            #expect(try await two.tryAcquire(env.key("other"), limit: 1, ttl: .seconds(60)) != nil)
            for lease in [leases[0], leases[2], next] { #expect(try await one.release(lease)) }
            #expect(try await one.holderCount(key) == 0)
        },
        ContractCase("a holder that stops renewing loses its slot after the ttl", needsPreciseTime: true) { env in
            let limiter = try await env.makeLimiter()
            let key = env.key("expiry")
            let dead = try #require(try await limiter.tryAcquire(key, limit: 1, ttl: .seconds(1)))
            let alive = try #require(try await limiter.tryAcquire(env.key("renewed"), limit: 1, ttl: .seconds(1)))
            try await env.time.advance(.milliseconds(600))
            #expect(try await limiter.extend(alive, ttl: .seconds(1)))
            try await env.time.advance(.milliseconds(600))
            #expect(try await limiter.holderCount(key) == 0)
            #expect(try await limiter.holderCount(env.key("renewed")) == 1)
            let next = try #require(try await limiter.tryAcquire(key, limit: 1, ttl: .seconds(60)))
            #expect(try await limiter.extend(dead, ttl: .seconds(1)) == false)
            #expect(dead.lostError?.reason == .expired)
            #expect(try await limiter.release(dead) == false)
            #expect(try await limiter.holderCount(key) == 1)
            #expect(try await limiter.release(next))
            #expect(try await limiter.release(alive))
        },
        ContractCase("acquire waits for a free slot and times out with a typed error") { env in
            let limiter = try await env.makeLimiter()
            let key = env.key("wait")
            let held = try #require(try await limiter.tryAcquire(key, limit: 1, ttl: .seconds(3_600)))
            await #expect(throws: ConcurrencyLeaseError(key: key, reason: .timeout(limit: 1, timeout: .seconds(1)))) {
                try await env.time.driving(step: .milliseconds(100)) {
                    try await limiter.acquire(key, limit: 1, ttl: .seconds(5), timeout: .seconds(1))
                }
            }
            let lease = try await env.time.driving(step: .milliseconds(10)) {
                try await withThrowingTaskGroup(of: LockLease?.self) { group in
                    group.addTask { try await limiter.acquire(key, limit: 1, ttl: .seconds(600), timeout: .seconds(300)) }
                    group.addTask {
                        try await env.time.pause()
                        try await limiter.release(held)
                        return nil
                    }
                    var acquired: LockLease?
                    while let lease = try await group.next() { acquired = lease ?? acquired }
                    return try #require(acquired)
                }
            }
            #expect(try await limiter.release(lease))
        },
        ContractCase("withSlot never runs more than limit bodies at once") { env in
            let limiter = try await env.makeLimiter()
            let key = env.key("scoped")
            let running = Shared(0)
            let peak = Shared(0)
            try await env.time.driving(step: .milliseconds(10)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            try await limiter.withSlot(key, limit: 3, ttl: .seconds(3_600), timeout: .seconds(3_600)) { _ in
                                let now = running.update { $0 += 1; return $0 }
                                peak.update { $0 = max($0, now) }
                                for _ in 0..<10 { await Task.yield() }
                                running.update { $0 -= 1 }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let peakValue = peak.value
            #expect(peakValue <= 3)
            #expect(peakValue >= 1)
            #expect(try await limiter.holderCount(key) == 0)
        },
        ContractCase("withSlot renews its lease while the body runs", needsPreciseTime: true) { env in
            let limiter = try await env.makeLimiter()
            let key = env.key("renewal")
            let lease = try await limiter.withSlot(key, limit: 2, ttl: .seconds(3), timeout: .zero) { lease in
                for round in 1...6 {
                    try await env.time.advanceWhenWaiting(1, .seconds(1))
                    try await env.time.until("renewal \(round)") { lease.renewalCount >= round }
                }
                let holders = try await limiter.holderCount(key)
                #expect(holders == 1)
                return lease
            }
            #expect(lease.lostError == nil)
            #expect(try await limiter.holderCount(key) == 0)
        },
        ContractCase("bad arguments are typed errors") { env in
            let limiter = try await env.makeLimiter()
            let key = env.key("bad")
            await #expect(throws: ConcurrencyLeaseError(key: key, reason: .invalidLimit(0))) {
                try await limiter.tryAcquire(key, limit: 0, ttl: .seconds(1))
            }
            await #expect(throws: ConcurrencyLeaseError(key: key, reason: .invalidTTL(.zero))) {
                try await limiter.acquire(key, limit: 1, ttl: .zero, timeout: .seconds(1))
            }
            await #expect(throws: ConcurrencyLeaseError(key: key, reason: .invalidTimeout(.seconds(-1)))) {
                try await limiter.withSlot(key, limit: 1, ttl: .seconds(1), timeout: .seconds(-1)) { _ in }
            }
            #expect(try await limiter.holderCount(key) == 0)
        },
    ]
}
