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

private struct Numbered: Event {
    static let eventType = "test.numbered"
    let number: Int
}

private struct Poison: Error {}

extension RedisEventBusTests {
    @Test("10,000 durable events, one consumer killed mid-stream: all handled at least once, poison dead-lettered")
    func killedConsumerLosesNothing() async throws {
        try await withTestEventBus({ $0.pollInterval = .milliseconds(200) }) { bus in
            let mode = SubscriptionMode.durable(group: "workers", redeliverAfter: .milliseconds(500), maxDeliveries: 2)
            try await bus.subscribe(to: Numbered.self, mode: mode) { _ in }  // creates the group
            try await withThrowingTaskGroup(of: Void.self) { group in
                for part in 0..<10 {
                    group.addTask { for number in part * 1_000..<(part + 1) * 1_000 { try await bus.publish(Numbered(number: number)) } }
                }
                try await group.waitForAll()
            }
            let handled = Shared<Set<Int>>([])
            let poisonSeen = Shared(0)
            // Handles events until it throws (poison): then it subscribes again.
            let worker: @Sendable () async throws -> Void = {
                while true {
                    do {
                        try await bus.listen(to: Numbered.self, mode: mode) { event in
                            if event.number % 1_000 == 999 {
                                poisonSeen.update { $0 += 1 }
                                throw Poison()
                            }
                            handled.update { _ = $0.insert(event.number) }
                        }
                        return
                    } catch is Poison {
                        continue
                    }
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The victim is cancelled while it handles events, leaving one unacknowledged.
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { victim in
                        victim.addTask { try await worker() }
                        try await pollUntil("the victim handled 2,000 events") { handled.value.count >= 2_000 }
                        victim.cancelAll()
                        try? await victim.waitForAll()
                    }
                }
                group.addTask { try await worker() }
                group.addTask { try await worker() }
                try await pollUntil("every event was handled", within: .seconds(90)) {
                    handled.value.count == 9_990
                }
                try await pollUntil("the poison events are dead letters") {
                    (try? await bus.deadLetters(of: Numbered.self, group: "workers").count) == 10
                }
                group.cancelAll()
            }
            let numbers = handled.value
            #expect(numbers.count == 9_990)
            #expect(numbers.allSatisfy { $0 % 1_000 != 999 })
            let dead = try await bus.deadLetters(of: Numbered.self, group: "workers")
            #expect(try Set(dead.map { try $0.decode(as: Numbered.self).number }) == Set((0..<10).map { $0 * 1_000 + 999 }))
            #expect(poisonSeen.value >= 20)
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
