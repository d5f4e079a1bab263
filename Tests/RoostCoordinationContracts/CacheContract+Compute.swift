import Foundation
import RoostCoordination
import RoostTestSupport
import Synchronization
import Testing

private struct ComputeFailed: Error, Equatable {}

extension CacheContract {
    static let computing: [ContractCase<CacheContractEnvironment>] = [
        ContractCase("getOrCompute computes a missing value once and caches it for its ttl") { env in
            let cache = try await env.makeCache()
            let computations = Shared(0)
            let compute: @Sendable () async throws -> ContractProfile = {
                ContractProfile(id: computations.update { $0 += 1; return $0 })
            }
            #expect(try await cache.getOrCompute("p", ttl: .seconds(10), waitTimeout: .seconds(1), compute: compute).id == 1)
            #expect(try await cache.getOrCompute("p", ttl: .seconds(10), waitTimeout: .seconds(1), compute: compute).id == 1)
            #expect(try await cache.get("p", as: ContractProfile.self)?.id == 1)
            try await env.time.advance(.seconds(11))
            #expect(try await cache.getOrCompute("p", ttl: .seconds(10), waitTimeout: .seconds(1), compute: compute).id == 2)
        },
        ContractCase("an empty result is cached like any other value") { env in
            let cache = try await env.makeCache()
            let computations = Shared(0)
            for _ in 0..<3 {
                let found = try await cache.getOrCompute("absent", ttl: .seconds(10), waitTimeout: .seconds(1)) { () -> Int? in
                    computations.update { $0 += 1 }
                    return nil
                }
                #expect(found == nil)
            }
            #expect(computations.value == 1)
            let stored = try await cache.get("absent", as: Int?.self)
            #expect(stored == .some(nil))
        },
        ContractCase("concurrent callers for a missing key share one computation") { env in
            let cache = try await env.makeCache()
            let computations = Shared(0)
            let gate = Gate()
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let profile = try await cache.getOrCompute("shared", ttl: nil, waitTimeout: .seconds(3_600)) {
                            await gate.wait()
                            return ContractProfile(id: computations.update { $0 += 1; return $0 })
                        }
                        return profile.id
                    }
                }
                try await env.time.until("one computation started") { gate.waiterCount == 1 }
                for _ in 0..<200 { try await env.time.pause() }
                gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let computationsValue = computations.value
            #expect(computationsValue == 1)
            #expect(results == Array(repeating: 1, count: 20))
        },
        ContractCase("a failed computation reaches every waiter and caches nothing") { env in
            let cache = try await env.makeCache()
            let gate = Gate()
            let failures = try await withThrowingTaskGroup(of: CacheError?.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        do {
                            _ = try await cache.getOrCompute("broken", ttl: nil, waitTimeout: .seconds(3_600)) { () -> Int in
                                await gate.wait()
                                throw ComputeFailed()
                            }
                            return nil
                        } catch let error as CacheError {
                            return error
                        }
                    }
                }
                try await env.time.until("the computation started") { gate.waiterCount == 1 }
                for _ in 0..<200 { try await env.time.pause() }
                gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(failures.count == 5)
            for failure in failures {
                #expect(failure?.reason == .computeFailed)
                #expect(failure?.code == "coordination.cache.compute_failed")
            }
            #expect(try await cache.get("broken", as: Int.self) == nil)
            #expect(try await cache.getOrCompute("broken", ttl: nil, waitTimeout: .seconds(1)) { 7 } == 7)
        },
        ContractCase("waiters give up with a typed error when the computation is slow") { env in
            let cache = try await env.makeCache()
            let gate = Gate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let value = try await cache.getOrCompute("slow", ttl: nil, waitTimeout: .seconds(3_600)) { () -> Int in
                        await gate.wait()
                        return 5
                    }
                    #expect(value == 5)
                }
                try await env.time.until("the computation started") { gate.waiterCount == 1 }
                let error = try await #require(throws: CacheError.self) {
                    try await env.time.driving(step: .milliseconds(100)) {
                        try await cache.getOrCompute("slow", ttl: nil, waitTimeout: .seconds(1)) { 6 }
                    }
                }
                #expect(error.reason == .waitTimeout(.seconds(1)))
                #expect(error.code == "coordination.cache.wait_timeout")
                gate.open()
                try await group.waitForAll()
            }
            #expect(try await cache.get("slow", as: Int.self) == 5)
        },
    ]
}
