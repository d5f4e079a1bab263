import RoostCoordination
import Testing

/// What a ``RateLimiterContract`` check needs: a way to build limiters of the
/// implementation under test for a strategy (all on the same backend) and control over
/// time.
public struct RateLimiterContractEnvironment: Sendable {
    /// Returns a client of the backend counting with `strategy`.
    public let makeLimiter: @Sendable (RateLimitStrategy) async throws -> any RateLimiter
    /// How the check moves time.
    public let time: ContractTime
    /// Prefixes every key, so runs against a shared server do not collide.
    public let keyPrefix: String

    /// Creates an environment.
    public init(
        time: ContractTime, keyPrefix: String = uniqueKeyPrefix(),
        makeLimiter: @escaping @Sendable (RateLimitStrategy) async throws -> any RateLimiter
    ) {
        self.makeLimiter = makeLimiter
        self.time = time
        self.keyPrefix = keyPrefix
    }

    /// A key unique to this run.
    public func key(_ name: String) -> String { "\(keyPrefix):\(name)" }
}

/// The behaviour every ``RateLimiter`` implementation must show.
public enum RateLimiterContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<RateLimiterContractEnvironment>] = [
        ContractCase("fixed window: the limit per window, denials consume nothing, the next window resets", needsPreciseTime: true) { env in
            let limiter = try await env.makeLimiter(.fixedWindow(limit: 3, window: .seconds(2)))
            let key = env.key("fixed")
            #expect(try await limiter.acquire(key, cost: 2).remaining == 1)
            let denied = try await limiter.acquire(key, cost: 2)
            #expect(denied.allowed == false && denied.remaining == 1)
            #expect(denied.retryAfter > .zero && denied.retryAfter <= .seconds(2))
            #expect(try await limiter.acquire(key, cost: 1).allowed)
            #expect(try await limiter.acquire(key).allowed == false)
            #expect(try await limiter.acquire(env.key("other")).allowed)
            try await env.time.advance(.milliseconds(2_100))
            #expect(try await limiter.acquire(key, cost: 3).allowed)
        },
        ContractCase("token bucket: bursts to capacity, then refills over time", needsPreciseTime: true) { env in
            // Slow refill (one token per 2s) leaves real-time runs 1.8s of slack between calls.
            let limiter = try await env.makeLimiter(.tokenBucket(capacity: 4, refill: 2, interval: .seconds(4)))
            let key = env.key("bucket")
            #expect(try await limiter.acquire(key, cost: 4).allowed)
            let denied = try await limiter.acquire(key, cost: 1)
            #expect(denied.allowed == false)
            #expect(denied.retryAfter > .zero && denied.retryAfter <= .seconds(2))
            try await env.time.advance(.milliseconds(4_200))
            #expect(try await limiter.acquire(key, cost: 2).allowed)
            #expect(try await limiter.acquire(key, cost: 1).allowed == false)
        },
        ContractCase("sliding window: units count until one window after they were consumed", needsPreciseTime: true) { env in
            let limiter = try await env.makeLimiter(.slidingWindow(limit: 3, window: .seconds(4)))
            let key = env.key("sliding")
            #expect(try await limiter.acquire(key, cost: 2).allowed)
            try await env.time.advance(.seconds(2))
            #expect(try await limiter.acquire(key, cost: 1).remaining == 0)
            let denied = try await limiter.acquire(key, cost: 2)
            #expect(denied.allowed == false && denied.remaining == 0)
            // The first two units age out 4s after they were taken, 2s from now.
            #expect(denied.retryAfter > .seconds(1) && denied.retryAfter <= .seconds(2))
            try await env.time.advance(.milliseconds(2_100))
            #expect(try await limiter.acquire(key, cost: 2).allowed)
            #expect(try await limiter.acquire(key).allowed == false)
            try await env.time.advance(.seconds(2))
            #expect(try await limiter.acquire(key).allowed)
        },
        ContractCase("sliding window: exact counts under concurrency") { env in
            let limiter = try await env.makeLimiter(.slidingWindow(limit: 50, window: .seconds(600)))
            let key = env.key("sliding-hot")
            let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var count = 0
                        for _ in 0..<10 where try await limiter.acquire(key).allowed { count += 1 }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(allowed == 50)
            let denied = try await limiter.acquire(key)
            #expect(denied.allowed == false && denied.retryAfter > .seconds(300))  // about the window; a loaded runner is slow
        },
        ContractCase("exact counts under concurrency") { env in
            let limiter = try await env.makeLimiter(.fixedWindow(limit: 100, window: .seconds(600)))
            let key = env.key("hot")
            let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        var count = 0
                        for _ in 0..<15 where try await limiter.acquire(key).allowed { count += 1 }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(allowed == 100)
        },
        ContractCase("bad costs are typed errors") { env in
            let limiter = try await env.makeLimiter(.fixedWindow(limit: 5, window: .seconds(1)))
            let key = env.key("bad")
            await #expect(throws: RateLimiterError(key: key, reason: .nonPositiveCost(0))) {
                try await limiter.acquire(key, cost: 0)
            }
            await #expect(throws: RateLimiterError(key: key, reason: .costExceedsLimit(cost: 6, limit: 5))) {
                try await limiter.acquire(key, cost: 6)
            }
            #expect(try await limiter.acquire(key, cost: 5).allowed)
        },
    ]
}
