import ServiceLifecycle
import ServiceLifecycleTestKit

extension ServiceContext where Value: Service {
    /// Runs a swift-service-lifecycle `Service` (a connection pool, an event bus, a
    /// scheduled task) as this scoped service: registers `service` as the value, runs its
    /// `run()` while anyone uses it, and once the last user has released it shuts it down
    /// gracefully and waits for `run()` to return; a service still running `gracePeriod`
    /// later is cancelled.
    ///
    /// The service has a graceful shutdown of its own: a graceful shutdown of the
    /// surrounding `ServiceGroup` (SIGTERM) does not reach it directly. It stops when the
    /// scope says so — after the code and the services that use it — so a pool keeps
    /// serving the requests a server drains during its own graceful shutdown.
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
    ///
    /// - Parameters:
    ///   - service: The service to run.
    ///   - gracePeriod: How long a graceful shutdown may take before `run()` is cancelled,
    ///     measured on the root scope's clock.
    public func run(_ service: Value, gracePeriod: Duration = .seconds(10)) async throws {
        let context = self
        let clock = scope.registry.clock
        // `testGracefulShutdown` is swift-service-lifecycle's public way to give an
        // operation a graceful-shutdown context of its own, with a trigger; it is used here
        // for exactly that, outside tests.
        try await testGracefulShutdown { shutdown in
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
                if runEnded {
                    group.cancelAll()
                    return
                }
                shutdown.triggerGracefulShutdown()
                let deadline = clock.now() + gracePeriod
                group.addTask {
                    try await clock.sleepUntil(deadline)
                    return false
                }
                do {
                    if try await group.next() == false {  // the grace period ran out first
                        group.cancelAll()
                        _ = try await group.next()
                    }
                } catch is CancellationError {
                    // run() reported the cancellation that stopped it.
                }
                group.cancelAll()  // the timer, when run() ended in time
            }
        }
    }
}
