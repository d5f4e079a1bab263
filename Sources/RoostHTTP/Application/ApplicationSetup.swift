import Hummingbird
import Logging
import Prometheus
import RoostConfig
import RoostCore
import RoostScope
import ServiceLifecycle
import Synchronization

/// What a ``RoostApplication``'s setup works with while the application starts: the root
/// scope that owns its long-lived parts, the router, readiness checks and the metrics
/// registry.
///
/// Everything opened here runs until the server has stopped (after in-flight requests
/// have finished), then stops in dependency order.
///
/// ```swift
/// let app = RoostApplication(name: "orders", settings: settings.http) { app in
///     var redisConfiguration = try RedisConnectionConfiguration(url: settings.redis.url)
///     redisConfiguration.instrumentation.metricsFactory = PrometheusMetricsFactory(registry: app.metrics)
///     let redis = try await app.open("redis", RedisConnectionPool(configuration: .init(connection: redisConfiguration)))
///     app.readiness.register(redis)
///     app.onShutdown { app.logger.info("server stopped; closing pools next") }
///     app.router.get("/ping") { _, _ in try await redis.withConnection { try await $0.ping() } }
/// }
/// ```
public struct ApplicationSetup<Context: RoostRequestContext & RemoteAddressRequestContext> {
    /// The application's root scope. Start shared services with
    /// `scope.service(_:_:)`; they stop after the server.
    public let scope: Scope
    /// The router, with Roost's middleware stack, `/health`, `/ready` and (unless
    /// disabled) `/metrics` already in place. Add the application's routes here.
    public let router: Router<Context>
    /// The checks `/ready` runs.
    public let readiness: HealthCheckRegistry
    /// The registry `/metrics` serves. Give drivers `PrometheusMetricsFactory(registry:)`
    /// over it so their metrics appear on the same page.
    public let metrics: PrometheusCollectorRegistry
    /// The `http` settings the application was built from.
    public let settings: HTTPSettings
    let shutdownHooks: ShutdownHooks

    /// The application's logger, with the scope name in its metadata.
    public var logger: Logger { scope.logger }

    /// Starts a long-lived lifecycle `Service` — a connection pool, an event bus, a
    /// scheduled task — as a service of the application's scope, and returns it once it
    /// runs. It runs until the server has stopped and every shutdown hook has run, and
    /// is then cancelled, after any service that depends on it.
    ///
    /// - Parameters:
    ///   - name: A name unique within the application, shown in logs and the scope graph.
    ///   - service: The service; its `run()` starts now.
    /// - Returns: `service`, for the routes to use.
    @discardableResult
    public func open<S: Service>(_ name: String, _ service: S) async throws -> S {
        try await scope.service(name) { (context: ServiceContext<S>) in try await context.run(service) }
    }

    /// Runs `hook` when the application stops: after the server has stopped taking
    /// requests and finished the ones in flight, before the services opened with
    /// ``open(_:_:)`` stop. Hooks run one at a time, the last registered first; a failing
    /// hook is logged and the others still run.
    public func onShutdown(_ hook: @escaping @Sendable () async throws -> Void) {
        shutdownHooks.append(hook)
    }
}

/// Shutdown hooks, registered during setup and run once the server has stopped.
final class ShutdownHooks: Sendable {
    private let hooks = Mutex<[@Sendable () async throws -> Void]>([])

    func append(_ hook: @escaping @Sendable () async throws -> Void) {
        hooks.withLock { $0.append(hook) }
    }

    /// Runs every hook, the last registered first, logging failures.
    func runAll(logger: Logger) async {
        let registered = hooks.withLock { hooks in
            defer { hooks.removeAll() }
            return hooks
        }
        for (index, hook) in registered.enumerated().reversed() {
            do {
                try await hook()
            } catch {
                logger.error("shutdown hook failed", metadata: ["hook": "\(index)", "error": "\(error)"])
            }
        }
    }
}
