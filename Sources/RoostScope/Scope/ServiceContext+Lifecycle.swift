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
        try await run(service, services: [service], gracePeriod: gracePeriod)
    }
}

extension ServiceContext {
    /// Registers `value` and runs `services` — the background work behind it, such as an
    /// event consumer behind a statistics store — while anyone uses it; once the last user
    /// has released it, shuts the services down gracefully (the last listed first) and
    /// returns when they have all ended. Services still running `gracePeriod` later are
    /// cancelled.
    ///
    /// As with ``run(_:gracePeriod:)``, the services have a graceful shutdown of their
    /// own, triggered by the scope, not by the surrounding `ServiceGroup`. A service that
    /// fails, or returns while `value` is used, ends this service (see
    /// ``run(_:gracePeriod:)``).
    ///
    /// ```swift
    /// let statistics = try await scope.service("statistics") { (ctx: ServiceContext<Statistics>) in
    ///     let store = Statistics(database: database)
    ///     try await ctx.run(store, services: [StatisticsConsumer(store: store, bus: bus)])
    /// }
    /// ```
    public func run(_ value: Value, services: [any Service], gracePeriod: Duration = .seconds(10)) async throws {
        let context = self
        let clock = scope.registry.clock
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        // `testGracefulShutdown` is swift-service-lifecycle's public way to give an
        // operation a graceful-shutdown context of its own, with a trigger; it is used here
        // for exactly that, outside tests.
        try await testGracefulShutdown { shutdown in
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return true
                }
                try register(value)
                tasks.addTask {
                    try await context.noMoreDependents()
                    return false
                }
                // The first to finish decides: the services ended on their own (or
                // failed), or the last user left and they are stopped.
                guard let servicesEnded = try await tasks.next() else { return }
                if servicesEnded {
                    tasks.cancelAll()
                    return
                }
                shutdown.triggerGracefulShutdown()
                let deadline = clock.now() + gracePeriod
                tasks.addTask {
                    try await clock.sleepUntil(deadline)
                    return false
                }
                do {
                    if try await tasks.next() == false {  // the grace period ran out first
                        tasks.cancelAll()
                        _ = try await tasks.next()
                    }
                } catch is CancellationError {
                    // The services reported the cancellation that stopped them.
                }
                tasks.cancelAll()  // the timer, when the services ended in time
            }
        }
    }
}
