import RoostScope
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("A pool owned by a RoostScope", .requires(.redis))
struct ScopedPoolTests {
    @Test("users share one running pool; it stops when the scope ends and refuses work after")
    func scopeOwnsThePool() async throws {
        var configuration = RedisPoolConfiguration(
            connection: try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString))
        configuration.leaseTimeout = .seconds(120)
        let poolConfiguration = configuration
        let key = uniqueKey()
        let factory: @Sendable (RoostScope.ServiceContext<RedisConnectionPool>) async throws -> Void = { ctx in
            try await ctx.run(RedisConnectionPool(configuration: poolConfiguration))
        }
        let pool = try await ServiceScope.run("app") { scope in
            let pool = try await scope.service("redis", factory)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in 0..<4 {
                    group.addTask {
                        try await scope.usingScope("user-\(user)") { use in
                            let shared = try await use.service("redis", factory)
                            #expect(shared === pool)
                            for _ in 0..<25 { try await shared.withConnection { _ = try await $0.increment(key) } }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.withConnection { try await $0.getString(key) } == "100")
            _ = try await pool.withConnection { try await $0.delete(key) }
            return pool
        }
        let error = await #expect(throws: RedisPoolError.self) {
            try await pool.withConnection(leaseTimeout: .seconds(5)) { try await $0.ping() }
        }
        #expect(error?.code.rawValue == "redis.pool.shutdown")
    }
}
