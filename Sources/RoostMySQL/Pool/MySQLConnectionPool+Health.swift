import RoostCore

extension MySQLConnectionPool: HealthCheck {
    /// `mysql`: the name the pool's check has in a health report.
    public var name: String { "mysql" }

    /// Sends `COM_PING` on a pooled connection; throws the lease or connection error when
    /// the server cannot be reached.
    ///
    /// ```swift
    /// readiness.register(pool)   // /ready reports "mysql" down while the server is away
    /// ```
    public func check() async throws {
        try await withConnection { try await $0.ping() }
    }
}
