import ServiceLifecycle

extension ServiceContext where Value: Service {
    /// Runs a swift-service-lifecycle `Service` (a connection pool, an event bus, a
    /// scheduled task) as this scoped service: registers `service` as the value, runs its
    /// `run()` while anyone uses it, and once the last user has released it cancels
    /// `run()` and waits for it to return.
    ///
    /// An error `run()` throws fails the service (and, after registration, the root
    /// scope); a `run()` that returns while the service is still used ends the service,
    /// and the blocks using it throw ``ScopeDied``.
    ///
    /// ```swift
    /// let redis = try await scope.service("redis") { (ctx: ServiceContext<RedisConnectionPool>) in
    ///     try await ctx.run(RedisConnectionPool(configuration: poolConfiguration))
    /// }
    /// let visits = try await redis.withConnection { try await $0.increment("visits") }
    /// ```
    public func run(_ service: Value) async throws {
        let context = self
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await service.run()
                return true
            }
            try register(service)
            group.addTask {
                try await context.noMoreDependents()
                return false
            }
            // The first to finish decides: run() ended on its own (or failed), or the
            // last user left and the service is stopped.
            guard let runEnded = try await group.next() else { return }
            group.cancelAll()
            if !runEnded {
                do {
                    _ = try await group.next()
                } catch is CancellationError {
                    // run() reported the cancellation that stopped it.
                }
            }
        }
    }
}
