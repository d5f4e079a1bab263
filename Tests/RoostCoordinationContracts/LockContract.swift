import RoostCoordination
import Synchronization
import Testing

/// What a ``LockContract`` check needs: a way to get lock clients of the implementation
/// under test (all on the same backend, as several processes would be) and control over
/// time.
public struct LockContractEnvironment: Sendable {
    /// Returns a client of the backend; every call may return the same instance.
    public let makeLock: @Sendable () async throws -> any DistributedLock
    /// How the check moves time.
    public let time: ContractTime
    /// Prefixes every key, so runs against a shared server do not collide.
    public let keyPrefix: String

    /// Creates an environment.
    public init(
        time: ContractTime, keyPrefix: String = uniqueKeyPrefix(),
        makeLock: @escaping @Sendable () async throws -> any DistributedLock
    ) {
        self.makeLock = makeLock
        self.time = time
        self.keyPrefix = keyPrefix
    }

    /// A key unique to this run.
    public func key(_ name: String) -> String { "\(keyPrefix):\(name)" }
}

/// The behaviour every ``DistributedLock`` implementation must show.
public enum LockContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<LockContractEnvironment>] =
        basics + expiry + waiting + scoped + renewal + reentrancy

    static let basics: [ContractCase<LockContractEnvironment>] = [
        ContractCase("tryAcquire excludes a second holder until release") { env in
            let (one, two) = (try await env.makeLock(), try await env.makeLock())
            let key = env.key("exclusive")
            #expect(try await one.isLocked(key) == false)
            let first = try #require(try await one.tryAcquire(key, ttl: .seconds(30)))
            #expect(first.key == key && first.isHeld)
            #expect(try await two.tryAcquire(key, ttl: .seconds(30)) == nil)
            #expect(try await two.isLocked(key))
            #expect(try await one.release(first))
            #expect(first.isHeld == false && first.lostError == nil)
            #expect(try await two.isLocked(key) == false)
            let second = try #require(try await two.tryAcquire(key, ttl: .seconds(30)))
            #expect(second.token != first.token)
            #expect(second.fencingToken > first.fencingToken)
            try await two.release(second)
        },
        ContractCase("fencing tokens grow strictly per key and tokens are random") { env in
            let lock = try await env.makeLock()
            var fences: [UInt64] = []
            var tokens: Set<String> = []
            for _ in 0..<20 {
                let lease = try #require(try await lock.tryAcquire(env.key("fence"), ttl: .seconds(30)))
                fences.append(lease.fencingToken)
                tokens.insert(lease.token)
                #expect(lease.token.count >= 32)
                try await lock.release(lease)
            }
            #expect(zip(fences, fences.dropFirst()).allSatisfy { $0 < $1 })
            #expect(tokens.count == 20)
            let other = try #require(try await lock.tryAcquire(env.key("fence-other"), ttl: .seconds(30)))
            #expect(other.fencingToken >= 1)
            try await lock.release(other)
        },
        ContractCase("releasing twice frees nothing the second time") { env in
            let lock = try await env.makeLock()
            let key = env.key("twice")
            let lease = try #require(try await lock.tryAcquire(key, ttl: .seconds(30)))
            #expect(try await lock.release(lease))
            let next = try #require(try await lock.tryAcquire(key, ttl: .seconds(30)))
            #expect(try await lock.release(lease) == false)
            #expect(try await lock.isLocked(key))
            #expect(try await lock.release(next))
        },
        ContractCase("force release frees the key and the lease is lost") { env in
            let lock = try await env.makeLock()
            let key = env.key("force")
            let lease = try #require(try await lock.tryAcquire(key, ttl: .seconds(30)))
            #expect(try await lock.forceRelease(key))
            #expect(try await lock.isLocked(key) == false)
            #expect(try await lock.extend(lease, ttl: .seconds(30)) == false)
            #expect(lease.lostError?.reason == .expired)
            #expect(try await lock.forceRelease(key) == false)
        },
        ContractCase("bad arguments are typed errors") { env in
            let lock = try await env.makeLock()
            let key = env.key("bad")
            for ttl in [Duration.zero, .seconds(-1)] {
                await #expect(throws: LockError(key: key, reason: .invalidTTL(ttl))) {
                    try await lock.tryAcquire(key, ttl: ttl)
                }
                await #expect(throws: LockError(key: key, reason: .invalidTTL(ttl))) {
                    try await lock.acquire(key, ttl: ttl, timeout: .seconds(1))
                }
                await #expect(throws: LockError(key: key, reason: .invalidTTL(ttl))) {
                    try await lock.withLock(key, ttl: ttl, timeout: .seconds(1)) { _ in }
                }
            }
            let negative = Duration.seconds(-1)
            await #expect(throws: LockError(key: key, reason: .invalidTimeout(negative))) {
                try await lock.acquire(key, ttl: .seconds(1), timeout: negative)
            }
            await #expect(throws: LockError(key: key, reason: .invalidTimeout(negative))) {
                try await lock.waitUntilFree(key, timeout: negative)
            }
            #expect(try await lock.isLocked(key) == false)
        },
    ]

    static let expiry: [ContractCase<LockContractEnvironment>] = [
        ContractCase("an unrenewed lease expires and a late release cannot free the new holder", needsPreciseTime: true) { env in
            let (one, two) = (try await env.makeLock(), try await env.makeLock())
            let key = env.key("expiry")
            let old = try #require(try await one.tryAcquire(key, ttl: .seconds(1)))
            try await env.time.advance(.milliseconds(1_500))
            #expect(try await two.isLocked(key) == false)
            let new = try #require(try await two.tryAcquire(key, ttl: .seconds(30)))
            #expect(new.fencingToken > old.fencingToken)
            #expect(try await one.extend(old, ttl: .seconds(30)) == false)
            #expect(old.lostError?.reason == .expired)
            #expect(try await one.release(old) == false)
            #expect(try await two.isLocked(key))
            #expect(try await two.extend(new, ttl: .seconds(30)))
            #expect(try await two.release(new))
        },
        ContractCase("extend resets the time to live", needsPreciseTime: true) { env in
            let lock = try await env.makeLock()
            let key = env.key("extend")
            // Each check has a full second of slack, so real-time runs on a busy machine pass.
            let lease = try #require(try await lock.tryAcquire(key, ttl: .seconds(4)))
            try await env.time.advance(.milliseconds(3_000))
            #expect(try await lock.extend(lease, ttl: .seconds(4)))
            try await env.time.advance(.milliseconds(3_000))
            #expect(try await lock.isLocked(key))
            try await env.time.advance(.milliseconds(2_000))
            #expect(try await lock.isLocked(key) == false)
            #expect(try await lock.release(lease) == false)
        },
    ]
}
