import RoostCoordination
import Synchronization
import Testing

extension LockContract {
    static let renewal: [ContractCase<LockContractEnvironment>] = [
        ContractCase("withLock renews the lease every ttl/3 while the body runs, then stops", needsPreciseTime: true) { env in
            let lock = try await env.makeLock()
            let key = env.key("renewal")
            let lease = try await lock.withLock(key, ttl: .seconds(3), timeout: .seconds(1)) { lease in
                // Six renewals cover twice the time to live.
                for round in 1...6 {
                    try await env.time.advanceWhenWaiting(1, .seconds(1))
                    try await env.time.until("renewal \(round)") { lease.renewalCount >= round }
                }
                let locked = try await lock.isLocked(key)
                #expect(locked)
                #expect(lease.isHeld)
                return lease
            }
            #expect(try await lock.isLocked(key) == false)
            #expect(lease.lostError == nil)
            let renewals = lease.renewalCount
            try await env.time.advance(.seconds(3))
            #expect(lease.renewalCount == renewals)
        },
        ContractCase("a lost lease cancels the withLock body and throws LockLost", needsPreciseTime: true) { env in
            let (holder, admin) = (try await env.makeLock(), try await env.makeLock())
            let key = env.key("lost")
            let entered = Shared(false)
            let cancelled = Shared(false)
            let fence = Shared<UInt64>(0)
            // Backends that learn of the loss at the next renewal find out within ttl / 3.
            let lost = try await #require(throws: LockLost.self) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await holder.withLock(key, ttl: .seconds(3), timeout: .seconds(1)) { lease in
                            fence.set(lease.fencingToken)
                            entered.set(true)
                            await untilCancelled()
                            cancelled.set(true)
                        }
                    }
                    try await env.time.until("body entered") { entered.value }
                    #expect(try await admin.forceRelease(key))
                    try await group.waitForAll()
                }
            }
            #expect(lost.key == key)
            #expect(lost.reason == .expired)
            #expect(lost.code == "coordination.lock.lost")
            let fenceValue = fence.value
            #expect(lost.fencingToken == fenceValue)
            let cancelledValue = cancelled.value
            #expect(cancelledValue)
        },
        ContractCase("a lease lost after the body finished still throws LockLost") { env in
            let (holder, admin) = (try await env.makeLock(), try await env.makeLock())
            let key = env.key("lost-late")
            await #expect(throws: LockLost.self) {
                try await holder.withLock(key, ttl: .seconds(30), timeout: .seconds(1)) { _ in
                    try await admin.forceRelease(key)
                }
            }
            #expect(try await holder.isLocked(key) == false)
        },
        ContractCase("the lost signal of a lease fires when the lease is lost") { env in
            let lock = try await env.makeLock()
            let key = env.key("signal")
            let lease = try #require(try await lock.tryAcquire(key, ttl: .seconds(30)))
            try await withThrowingTaskGroup(of: LockLost?.self) { group in
                group.addTask { try await lease.waitUntilLost() }
                try await lock.forceRelease(key)
                // A backend that learns of the loss only when it next talks to the server
                // finds out here.
                _ = try await lock.extend(lease, ttl: .seconds(30))
                let lost = try await group.next()
                #expect(lost??.reason == .expired)
            }
            let released = try #require(try await lock.tryAcquire(key, ttl: .seconds(30)))
            try await lock.release(released)
            #expect(try await released.waitUntilLost() == nil)
        },
    ]

    static let reentrancy: [ContractCase<LockContractEnvironment>] = [
        ContractCase("nested withLock on the same key is rejected by default, at once") { env in
            let lock = try await env.makeLock()
            let key = env.key("reentrant")
            try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(1)) { outer in
                await #expect(throws: LockError(key: key, reason: .reentrant)) {
                    try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(3_600)) { _ in }
                }
                let inner = try await lock.withLock(env.key("other"), ttl: .seconds(30), timeout: .seconds(1)) {
                    $0.fencingToken
                }
                #expect(inner >= 1)
                #expect(outer.isHeld)
            }
            #expect(try await lock.isLocked(key) == false)
        },
        ContractCase("nested withLock with the reuse policy runs under the outer lease") { env in
            let lock = try await env.makeLock()
            let key = env.key("reuse")
            try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(1)) { outer in
                let inner = try await lock.withLock(key, ttl: .seconds(30), timeout: .seconds(1), reentrancy: .reuse) {
                    $0
                }
                #expect(inner === outer)
                #expect(try await lock.isLocked(key))
                #expect(outer.isHeld)
            }
            #expect(try await lock.isLocked(key) == false)
        },
    ]
}
