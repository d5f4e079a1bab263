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
            let allowed = try await allowedConcurrently(limiter, key: key, tasks: 8, attempts: 10)
            #expect(allowed == 50)
            let denied = try await limiter.acquire(key)
            #expect(denied.allowed == false && denied.retryAfter > .seconds(300))  // about the window; a loaded runner is slow
        },
        ContractCase("approximate sliding window: the previous window counts in proportion to its overlap", needsPreciseTime: true) { env in
            let limiter = try await env.makeLimiter(.approximateSlidingWindow(limit: 10, window: .seconds(10)))
            let key = env.key("approximate")
            // 0 s: the first fixed window [0, 10) fills up.
            #expect(try await limiter.acquire(key, cost: 6) == RateLimitResult(allowed: true, remaining: 4, retryAfter: .zero))
            #expect(try await limiter.acquire(key, cost: 4) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
            // Full: the window must end, then its 10 units must weigh less than 10.
            #expect(
                try await limiter.acquire(key) == RateLimitResult(allowed: false, remaining: 0, retryAfter: .milliseconds(10_001)))
            // 10 s: [0, 10) is the previous window and still overlaps completely.
            try await env.time.advance(.seconds(10))
            #expect(try await limiter.acquire(key) == RateLimitResult(allowed: false, remaining: 0, retryAfter: .milliseconds(1)))
            // 15 s: half of it overlaps, so 5 of its units count.
            try await env.time.advance(.seconds(5))
            #expect(try await limiter.acquire(key, cost: 5) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
            // 17.5 s: a quarter overlaps: floor(2.5) + 5 = 7 used.
            try await env.time.advance(.milliseconds(2_500))
            #expect(
                try await limiter.acquire(key, cost: 4) == RateLimitResult(allowed: false, remaining: 3, retryAfter: .milliseconds(501)))
            #expect(try await limiter.acquire(key, cost: 3) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
            // 22.5 s: [10, 20) with its 8 units is the previous window, three quarters overlap: 6 used.
            try await env.time.advance(.seconds(5))
            #expect(
                try await limiter.acquire(key, cost: 6) == RateLimitResult(allowed: false, remaining: 4, retryAfter: .milliseconds(1_251)))
            #expect(try await limiter.acquire(key, cost: 4) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
            // 42.5 s: two whole windows idle, nothing counts any more.
            try await env.time.advance(.seconds(20))
            #expect(try await limiter.acquire(key, cost: 10) == RateLimitResult(allowed: true, remaining: 0, retryAfter: .zero))
        },
        ContractCase("approximate sliding window: exact counts under concurrency") { env in
            let limiter = try await env.makeLimiter(.approximateSlidingWindow(limit: 50, window: .seconds(600)))
            let key = env.key("approximate-hot")
            let allowed = try await allowedConcurrently(limiter, key: key, tasks: 8, attempts: 10)
            #expect(allowed == 50)
            let denied = try await limiter.acquire(key, cost: 2)
            #expect(denied.allowed == false && denied.remaining == 0)
            #expect(denied.retryAfter > .seconds(300))  // the window's end and then some; a loaded runner is slow
        },
        ContractCase("exact counts under concurrency") { env in
            let limiter = try await env.makeLimiter(.fixedWindow(limit: 100, window: .seconds(600)))
            let key = env.key("hot")
            let allowed = try await allowedConcurrently(limiter, key: key, tasks: 10, attempts: 15)
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

/// How many single-unit requests for `key` `limiter` allows when `tasks` tasks each make
/// `attempts` of them at once.
private func allowedConcurrently(_ limiter: any RateLimiter, key: String, tasks: Int, attempts: Int) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                var count = 0
                for _ in 0..<attempts where try await limiter.acquire(key).allowed { count += 1 }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
}
