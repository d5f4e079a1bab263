import RoostCoordination
import Synchronization
import Testing

extension LockContract {
    static let waiting: [ContractCase<LockContractEnvironment>] = [
        ContractCase("acquire waits for the holder to release") { env in
            let (one, two) = (try await env.makeLock(), try await env.makeLock())
            let key = env.key("wait-release")
            let first = try #require(try await one.tryAcquire(key, ttl: .seconds(600)))
            // Time moves meanwhile, for backends that poll on the clock.
            let second = try await env.time.driving(step: .milliseconds(10)) {
                try await withThrowingTaskGroup(of: LockLease?.self) { group in
                    group.addTask { try await two.acquire(key, ttl: .seconds(600), timeout: .seconds(300)) }
                    group.addTask {
                        try await env.time.pause()
                        try await one.release(first)
                        return nil
                    }
                    var acquired: LockLease?
                    while let lease = try await group.next() { acquired = lease ?? acquired }
                    return try #require(acquired)
                }
            }
            #expect(second.fencingToken > first.fencingToken)
            #expect(try await two.release(second))
        },
        ContractCase("acquire takes over a holder that expired", needsPreciseTime: true) { env in
            let lock = try await env.makeLock()
            let key = env.key("wait-expiry")
            let first = try #require(try await lock.tryAcquire(key, ttl: .seconds(1)))
            let second = try await env.time.driving(step: .milliseconds(100)) {
                try await lock.acquire(key, ttl: .seconds(600), timeout: .seconds(60))
            }
            #expect(second.fencingToken > first.fencingToken)
            let extended = try await lock.extend(first, ttl: .seconds(1))
            #expect(extended == false)
            #expect(first.lostError?.reason == .expired)
            try await lock.release(second)
        },
        ContractCase("acquire times out with a typed error while the key stays held") { env in
            let lock = try await env.makeLock()
            let key = env.key("timeout")
            let holder = try #require(try await lock.tryAcquire(key, ttl: .seconds(3_600)))
            await #expect(throws: LockError(key: key, reason: .timeout(.seconds(1)))) {
                try await env.time.driving(step: .milliseconds(100)) {
                    try await lock.acquire(key, ttl: .seconds(5), timeout: .seconds(1))
                }
            }
            await #expect(throws: LockError(key: key, reason: .timeout(.zero))) {
                try await lock.acquire(key, ttl: .seconds(5), timeout: .zero)
            }
            #expect(holder.isHeld)
            #expect(try await lock.release(holder))
        },
        ContractCase("waitUntilFree returns once the key is released and times out otherwise") { env in
            let lock = try await env.makeLock()
            let key = env.key("free")
            try await lock.waitUntilFree(key, timeout: .zero)
            let holder = try #require(try await lock.tryAcquire(key, ttl: .seconds(3_600)))
            await #expect(throws: LockError(key: key, reason: .timeout(.seconds(1)))) {
                try await env.time.driving(step: .milliseconds(100)) {
                    try await lock.waitUntilFree(key, timeout: .seconds(1))
                }
            }
            try await env.time.driving(step: .milliseconds(10)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await lock.waitUntilFree(key, timeout: .seconds(300)) }
                    group.addTask {
                        try await env.time.pause()
                        try await lock.release(holder)
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await lock.isLocked(key) == false)
        },
        ContractCase("contending tasks never overlap and enter in fencing order") { env in
            let lock = try await env.makeLock()
            let key = env.key("contention")
            let inside = Shared(0)
            let overlaps = Shared(0)
            let entries = Shared<[UInt64]>([])
            try await env.time.driving(step: .milliseconds(10)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            for _ in 0..<5 {
                                try await lock.withLock(key, ttl: .seconds(3_600), timeout: .seconds(3_600)) { lease in
                                    let holders = inside.update { $0 += 1; return $0 }
                                    if holders != 1 {
                                        overlaps.update { $0 += 1 }
                                    }
                                    entries.update { $0.append(lease.fencingToken) }
                                    await Task.yield()
                                    inside.update { $0 -= 1 }
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let order = entries.value
            let overlapsValue = overlaps.value
            #expect(overlapsValue == 0)
            #expect(order.count == 40)
            #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 })
        },
    ]

    static let scoped: [ContractCase<LockContractEnvironment>] = [
        ContractCase("withLock holds the key for its body and releases after it") { env in
            let lock = try await env.makeLock()
            let key = env.key("scoped")
            let (value, lease) = try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(1)) { lease in
                let locked = try await lock.isLocked(key)
                let second = try await lock.tryAcquire(key, ttl: .seconds(1))
                #expect(locked)
                #expect(second == nil)
                return (42, lease)
            }
            #expect(value == 42)
            #expect(lease.isHeld == false && lease.lostError == nil)
            #expect(try await lock.isLocked(key) == false)
        },
        ContractCase("withLock releases when its body throws and rethrows the error") { env in
            struct BodyFailed: Error, Equatable {}
            let lock = try await env.makeLock()
            let key = env.key("scoped-throws")
            await #expect(throws: BodyFailed()) {
                try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(1)) { _ in throw BodyFailed() }
            }
            #expect(try await lock.isLocked(key) == false)
        },
        ContractCase("withLock times out with a typed error without running its body") { env in
            let lock = try await env.makeLock()
            let key = env.key("scoped-timeout")
            let holder = try #require(try await lock.tryAcquire(key, ttl: .seconds(3_600)))
            let ran = Shared(false)
            await #expect(throws: LockError(key: key, reason: .timeout(.zero))) {
                try await lock.withLock(key, ttl: .seconds(30), timeout: .zero) { _ in
                    ran.set(true)
                }
            }
            let ranValue = ran.value
            #expect(ranValue == false)
            try await lock.release(holder)
        },
    ]
}
