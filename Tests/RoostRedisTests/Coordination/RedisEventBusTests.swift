import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// A bus on the test server with a namespace of its own, running for the duration of `body`.
func withTestEventBus<R: Sendable>(
    _ adjust: (inout RedisEventBus.Configuration) -> Void = { _ in }, _ body: @escaping @Sendable (RedisEventBus) async throws -> R
) async throws -> R {
    var configuration = RedisEventBus.Configuration(
        connection: try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString))
    configuration.namespace = "\(uniqueKeyPrefix()):events:"
    configuration.publishLeaseTimeout = .seconds(120)  // a loaded runner can stall for seconds
    adjust(&configuration)
    let bus = RedisEventBus(configuration: configuration)
    return try await withDeadline("an event bus test") {
        try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await bus.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(bus)
        }
    }
}

@Suite("RedisEventBus against redis-server", .requires(.redis), .timeLimit(.minutes(2)))
struct RedisEventBusTests {
    @Test(
        arguments: (EventBusContract.cases + EventBusContract.shutdownCases + EventBusContract.durableCases)
            .filter { !$0.needsPreciseTime })
    func contract(_ check: ContractCase<EventBusContractEnvironment>) async throws {
        try await withTestEventBus { bus in
            try await check.run(EventBusContractEnvironment(time: .real) { bus })
        }
    }
}

extension RedisEventBusTests {
    @Test("two tiered caches on Redis: a write on one drops the other's local copy")
    func tieredCacheInvalidation() async throws {
        let connection = try await connectToTestServer()
        let shared = RedisCache(client: connection, namespace: "\(uniqueKeyPrefix()):tiered:")
        let namespace = "\(uniqueKeyPrefix()):tiered-events:"
        try await withTestEventBus({ $0.namespace = namespace }) { busA in
            try await withTestEventBus({ $0.namespace = namespace }) { busB in
                let a = TieredCache(local: InMemoryCache(maxEntries: 100), shared: shared, bus: busA, localTTL: .seconds(600))
                let b = TieredCache(local: InMemoryCache(maxEntries: 100), shared: shared, bus: busB, localTTL: .seconds(600))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await a.run() }
                    group.addTask { try await b.run() }
                    try await a.set("price", to: 10, ttl: nil)
                    #expect(try await b.get("price", as: Int.self) == 10)  // now cached locally in b
                    // b's listener may subscribe after the first write: repeat the write until b sees it.
                    var value = 10
                    try await pollUntil("the other instance sees the new value") {
                        value += 1
                        try? await a.set("price", to: value, ttl: nil)
                        try? await Task.sleep(for: .milliseconds(50))
                        return (try? await b.get("price", as: Int.self)) == value
                    }
                    group.cancelAll()
                }
            }
        }
        try await connection.close()
    }
}
