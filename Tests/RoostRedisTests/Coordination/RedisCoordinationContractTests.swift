import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Runs `body` with a factory of connections to the test server (one per call, as separate
/// processes would have), then closes every connection it made.
func withTestClients(
    _ body: (@escaping @Sendable () async throws -> RedisConnection) async throws -> Void
) async throws {
    let opened = Shared<[RedisConnection]>([])
    let factory: @Sendable () async throws -> RedisConnection = {
        let connection = try await connectToTestServer()
        opened.update { $0.append(connection) }
        return connection
    }
    do {
        try await body(factory)
    } catch {
        for connection in opened.value { try await connection.close() }
        throw error
    }
    for connection in opened.value { try await connection.close() }
}

@Suite("Redis coordination contracts against redis-server", .requires(.redis))
struct RedisCoordinationContractTests {
    @Test(arguments: CounterContract.cases.filter { !$0.needsPreciseTime })
    func counter(_ check: ContractCase<CounterContractEnvironment>) async throws {
        try await withTestClients { connect in
            try await check.run(CounterContractEnvironment(time: .real) { RedisCounter(client: try await connect()) })
        }
    }

    @Test(arguments: RateLimiterContract.cases.filter { !$0.needsPreciseTime })
    func rateLimiter(_ check: ContractCase<RateLimiterContractEnvironment>) async throws {
        try await withTestClients { connect in
            try await check.run(
                RateLimiterContractEnvironment(time: .real) { strategy in
                    RedisRateLimiter(client: try await connect(), strategy: strategy)
                })
        }
    }

    @Test(arguments: LockContract.cases.filter { !$0.needsPreciseTime })
    func lock(_ check: ContractCase<LockContractEnvironment>) async throws {
        try await withTestClients { connect in
            try await check.run(LockContractEnvironment(time: .real) { RedisLock(client: try await connect()) })
        }
    }

    @Test(arguments: ConcurrencyLimiterContract.cases.filter { !$0.needsPreciseTime })
    func concurrencyLimiter(_ check: ContractCase<ConcurrencyLimiterContractEnvironment>) async throws {
        try await withTestClients { connect in
            try await check.run(
                ConcurrencyLimiterContractEnvironment(time: .real) { RedisConcurrencyLimiter(client: try await connect()) })
        }
    }

    @Test(arguments: CacheContract.cases.filter { !$0.needsPreciseTime })
    func cache(_ check: ContractCase<CacheContractEnvironment>) async throws {
        try await withTestClients { connect in
            try await check.run(CacheContractEnvironment(time: .real) { RedisCache(client: try await connect()) })
        }
    }
}
