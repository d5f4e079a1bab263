import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import RoostConfig
import RoostScope
import ServiceLifecycle

/// A Hummingbird application built from the `http` configuration section, whose
/// long-lived parts (pools, buses, tasks) belong to a RoostScope: opened before the server
/// listens, stopped after it has finished its last request, in dependency order.
///
/// From the settings it takes the address, the server limits (head and idle timeouts,
/// header size), Roost's middleware stack (request id, `x-timestamp`, access log, error
/// envelopes with details only in debug mode, request timeout, body limit, trusted
/// proxies) and the optional parts: request metrics with `/metrics`, CORS and response
/// compression. `/health` (liveness) and `/ready` (every registered check) are always
/// served, and a known path with the wrong method answers `405` with `Allow`.
///
/// ```swift
/// let settings = try RoostSettings(configuration: try await RoostConfiguration.load())
/// let app = RoostApplication(name: "orders", version: "1.4.0", settings: settings.http) { app in
///     let database = try await app.open("database", try await DatabaseClient.open(DatabaseURL(settings.database.url)))
///     app.readiness.register(database)
///     app.router.get("/orders/:id") { _, context in try await findOrder(context, in: database) }
/// }
/// try await app.runService()   // SIGTERM or SIGINT: drain requests, run hooks, close the database
/// ```
///
/// A setup that throws stops the application with that error, after stopping whatever it
/// had opened; invalid settings fail before anything is opened.
public struct RoostApplication<Context: RoostRequestContext & RemoteAddressRequestContext>: Service
where Context.Source == ApplicationRequestContextSource {
    /// The service name: the root scope's name, `/health`'s `service` and the `Server` header.
    public let name: String
    /// The version `/health` reports.
    public let version: String
    /// The settings the application is built from.
    public let settings: HTTPSettings
    /// The registry `/metrics` serves.
    public let metrics: PrometheusCollectorRegistry
    /// The checks `/ready` runs; setup registers more.
    public let readiness: HealthCheckRegistry
    private let server: HTTPServerBuilder?
    private let logger: Logger
    private let onServerRunning: @Sendable (any Channel) async -> Void
    private let setup: @Sendable (ApplicationSetup<Context>) async throws -> Void

    /// Creates an application; nothing starts before ``run()``.
    ///
    /// - Parameters:
    ///   - name: The service name.
    ///   - version: The version `/health` reports.
    ///   - settings: Address, limits and middleware set.
    ///   - context: The request context type (see the initializer without it for
    ///     ``BasicRoostRequestContext``).
    ///   - metrics: The registry for request (and driver) metrics.
    ///   - server: The server to run instead of `.roostHTTP1(settings:)`, such as one with
    ///     WebSocket upgrades.
    ///   - logger: The logger of the server and the scope.
    ///   - onServerRunning: Called once the server listens, with its channel (the bound
    ///     port when `settings.port` is 0).
    ///   - setup: Opens the application's services and adds its routes; runs before the
    ///     server listens.
    public init(
        name: String, version: String = "1.0.0", settings: HTTPSettings,
        context: Context.Type, metrics: PrometheusCollectorRegistry = .init(),
        server: HTTPServerBuilder? = nil, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        setup: @escaping @Sendable (ApplicationSetup<Context>) async throws -> Void
    ) {
        self.name = name
        self.version = version
        self.settings = settings
        self.metrics = metrics
        self.readiness = HealthCheckRegistry()
        self.server = server
        self.logger = logger ?? Logger(label: name)
        self.onServerRunning = onServerRunning
        self.setup = setup
    }

    /// Opens the services, serves until graceful shutdown (or cancellation), then stops
    /// the server, runs the shutdown hooks and stops the services in dependency order.
    ///
    /// - Throws: The settings' error before anything starts; setup's error; the server's
    ///   or a service's error.
    public func run() async throws {
        let options = try RoostMiddlewareOptions(settings: settings)
        let cors = try CORSPolicy(settings: settings)
        try await ServiceScope.run(name, logger: logger) { scope in
            let router = makeRouter(options: options, cors: cors)
            let hooks = ShutdownHooks()
            try await setup(
                ApplicationSetup(
                    scope: scope, router: router, readiness: readiness, metrics: metrics, settings: settings,
                    shutdownHooks: hooks))
            router.addMethodNotAllowedResponses()
            let application = Application(
                router: router, server: server ?? .roostHTTP1(settings: settings),
                configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: name),
                onServerRunning: onServerRunning, logger: logger)
            var failure: (any Error)?
            do { try await application.run() } catch { failure = error }
            await hooks.runAll(logger: scope.logger)
            if let failure { throw failure }
        }
    }

    /// Runs the application until SIGTERM or SIGINT, then shuts it down gracefully.
    public func runService() async throws {
        let group = ServiceGroup(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    /// The router with the middleware and routes the settings ask for.
    private func makeRouter(options: RoostMiddlewareOptions, cors: CORSPolicy?) -> Router<Context> {
        let router = Router(context: Context.self)
        if settings.metrics { router.add(middleware: HTTPMetricsMiddleware(registry: metrics)) }
        if let cors { router.add(middleware: CORSPolicyMiddleware(policy: cors)) }
        router.addRoostMiddleware(options)
        if settings.compression { router.add(middleware: ResponseCompressionMiddleware()) }
        router.addHealthRoute("/health", service: name, version: version)
        router.addReadinessRoute("/ready", checks: readiness)
        if settings.metrics { router.addMetricsRoute(registry: metrics) }
        return router
    }
}

extension RoostApplication where Context == BasicRoostRequestContext {
    /// Creates an application with ``BasicRoostRequestContext``; nothing starts before
    /// ``run()``. See ``init(name:version:settings:context:metrics:server:logger:onServerRunning:setup:)``.
    public init(
        name: String, version: String = "1.0.0", settings: HTTPSettings, metrics: PrometheusCollectorRegistry = .init(),
        server: HTTPServerBuilder? = nil, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        setup: @escaping @Sendable (ApplicationSetup<Context>) async throws -> Void
    ) {
        self.init(
            name: name, version: version, settings: settings, context: BasicRoostRequestContext.self, metrics: metrics,
            server: server, logger: logger, onServerRunning: onServerRunning, setup: setup)
    }
}
