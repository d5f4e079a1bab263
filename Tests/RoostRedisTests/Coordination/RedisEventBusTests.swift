import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// A bus on the test server with a namespace of its own, running for the duration of `body`.
func withTestEventBus<R: Sendable>(
    _ adjust: (inout RedisEventBus.Configuration) -> Void = { _ in }, _ body: (RedisEventBus) async throws -> R
) async throws -> R {
    var configuration = RedisEventBus.Configuration(
        connection: try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString))
    configuration.namespace = "\(uniqueKeyPrefix()):events:"
    adjust(&configuration)
    let bus = RedisEventBus(configuration: configuration)
    return try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask {
            try await bus.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body(bus)
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
