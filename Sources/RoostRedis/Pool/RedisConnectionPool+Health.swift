import RoostCore

extension RedisConnectionPool: HealthCheck {
    /// `redis`: the name the pool's check has in a health report.
    public var name: String { "redis" }

    /// Sends `PING` on a pooled connection, within the lease timeout and two seconds for
    /// the answer; throws the lease or connection error when the server cannot be reached.
    ///
    /// ```swift
    /// readiness.register(pool)   // /ready reports "redis" down while the server is away
    /// ```
    public func check() async throws {
        _ = try await send(RedisCommand("PING"), timeout: .seconds(2))
    }
}
