import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Prometheus
import RoostConfig
import RoostCoordination
import RoostCore
import RoostHTTP
import RoostSQL
import ServiceLifecycle

/// The Roost demo service, assembled from Roost's modules.
enum DemoApplication {
    /// The service name reported by `/health` and in logs.
    static let name = "roost-demo"
    /// The demo's version.
    static let version = "0.2.0"
    /// The WebSocket group every browser of `/events` joins.
    static let feedGroup = "orders"

    /// The parts of a running demo that tests and `main` reach.
    struct Parts: Sendable {
        let database: DatabaseClient
        let coordination: Coordination
        let catalog: Catalog
        let desk: OrderDesk
        let statistics: Statistics
        let hub: WebSocketHub
        let instance: String
    }

    /// Opens the database (creating the directory of a SQLite file) and applies the
    /// demo's migrations.
    static func openDatabase(_ settings: DatabaseSettings, logger: Logger) async throws -> DatabaseClient {
        let url = try DatabaseURL(settings.url)
        if case .sqliteFile(let path) = url.location {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let database = try await DatabaseClient.open(url, logger: logger)
        do {
            let applied = try await DatabaseMigrator(client: database, migrations: Schema.migrations).migrate()
            if !applied.isEmpty { logger.info("applied migrations", metadata: ["versions": "\(applied)"]) }
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    /// The coordination backend the settings ask for: Redis when `redis.url` is set.
    static func coordination(_ settings: DemoSettings, logger: Logger) throws -> Coordination {
        guard let redis = settings.redis else { return .inMemory(writesPerMinute: settings.demo.writesPerMinute) }
        return try .redis(
            redis, prefix: settings.coordination.keyPrefix + "demo:", writesPerMinute: settings.demo.writesPerMinute,
            logger: logger)
    }

    /// The demo's parts around a database and a coordination backend that run elsewhere.
    static func makeParts(
        settings: DemoSettings, database: DatabaseClient, coordination: Coordination, hub: WebSocketHub, logger: Logger
    ) -> Parts {
        let instance = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        let desk = OrderDesk(
            database: database, coordination: coordination, lockWait: .seconds(settings.demo.lockWaitSeconds),
            queues: ProductQueues(timeout: .seconds(settings.demo.lockWaitSeconds)), instance: instance, logger: logger)
        return Parts(
            database: database, coordination: coordination, catalog: Catalog(database: database, cache: coordination.cache),
            desk: desk, statistics: Statistics(database: database), hub: hub, instance: instance)
    }

    /// The WebSocket hub behind `/events`.
    static func makeHub(logger: Logger) -> WebSocketHub {
        WebSocketHub(configuration: .init(maxConnections: 5_000, heartbeatInterval: .seconds(20)), logger: logger)
    }

    /// The HTTP application over `parts`, running `services` inside its own service group
    /// (none when a ``DemoScope`` owns them).
    static func makeApplication(
        settings: DemoSettings, parts: Parts, services: [any Service], logger: Logger
    ) throws -> some ApplicationProtocol {
        let router = try buildRouter(settings: settings, parts: parts)
        let sockets = Router(context: BasicWebSocketRequestContext.self)
        let hub = parts.hub
        sockets.ws("/events") { inbound, outbound, _ in
            try await hub.serve(inbound: inbound, outbound: outbound, receiving: FeedCommand.self, groups: [feedGroup]) { _, _ in }
        }
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: sockets, configuration: .init(ws: hub.configuration.serverConfiguration)),
            configuration: .init(address: .hostname(settings.http.host, port: settings.http.port), serverName: name),
            services: services, logger: logger)
    }

    /// The statistics consumer of `OrderPlaced`.
    static func statisticsConsumer(_ parts: Parts, logger: Logger) -> StatisticsConsumer {
        StatisticsConsumer(statistics: parts.statistics, bus: parts.coordination.bus, logger: logger)
    }

    /// How often the outbox relay looks for unsent events.
    static let outboxInterval = Duration.seconds(5)

    /// Publishes the `OrderPlaced` events left unsent for `demo.outboxGraceSeconds` (see ``Outbox``).
    static func outboxRelay(
        database: DatabaseClient, coordination: Coordination, settings: DemoSettings, logger: Logger
    ) -> OutboxRelay {
        OutboxRelay(
            database: database, bus: coordination.bus, lock: coordination.lock,
            grace: .seconds(settings.demo.outboxGraceSeconds), logger: logger)
    }

    /// Pushes every `OrderPlaced` to the browsers of `/events`.
    static func feedBridge(bus: any EventBus, hub: WebSocketHub) -> some Service {
        WebSocketEventBridge(bus: bus, hub: hub, event: OrderPlaced.self, group: feedGroup)
    }

    /// The whole demo as one application for in-process tests: the database (opened by
    /// the caller), the coordination backend, the statistics consumer, the hourly task,
    /// the outbox relay and the WebSocket bridge run in the application's service group, in that order,
    /// and stop in reverse order after the HTTP server. `roost-demo` itself runs the same
    /// parts as a ``DemoScope``.
    static func build(
        settings: DemoSettings, database: DatabaseClient, logger: Logger
    ) throws -> (app: some ApplicationProtocol, parts: Parts) {
        let coordination = try coordination(settings, logger: logger)
        let parts = makeParts(
            settings: settings, database: database, coordination: coordination, hub: makeHub(logger: logger), logger: logger)
        let services: [any Service] =
            [database] + coordination.services + [
                statisticsConsumer(parts, logger: logger),
                try HourlyStatistics.task(parts.statistics, lock: coordination.lock, logger: logger),
                outboxRelay(database: database, coordination: coordination, settings: settings, logger: logger).task(every: outboxInterval),
                feedBridge(bus: coordination.bus, hub: parts.hub),
            ]
        return (try makeApplication(settings: settings, parts: parts, services: services, logger: logger), parts)
    }

    /// Builds the router: metrics, Roost's default middleware stack (request ids,
    /// timestamps, access log, errors in the envelope, timeout, body limit), the web page,
    /// `/health` (liveness), `/ready` (database and Redis answer), `/metrics`, the catalog,
    /// orders, statistics; every write route limited per client IP.
    static func buildRouter(settings: DemoSettings, parts: Parts) throws -> Router<BasicRoostRequestContext> {
        let registry = PrometheusCollectorRegistry()
        let options = try RoostMiddlewareOptions(settings: settings.http)
        let clientIP = options.clientIP
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(registry: registry))
        router.addRoostMiddleware(options)
        if let page = Bundle.module.url(forResource: "Public", withExtension: nil) {
            // The web page: index.html, app.js, style.css.
            let root = page.resolvingSymlinksInPath().standardizedFileURL.path
            router.add(middleware: StaticFileMiddleware(root: root, urlPrefix: "/", cacheControl: "no-cache"))
            router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/index.html"]) }
        }
        router.addHealthRoute("/health", service: name, version: version)
        router.addHealthRoute("/ready", service: name, version: version, checks: [parts.database] + parts.coordination.checks)
        router.addMetricsRoute(registry: registry)

        let writes = writeGroup(router, limiter: parts.coordination.writeLimiter, clientIP: clientIP)
        parts.catalog.addRoutes(to: router, writes: writes)
        try ProductImages(
            catalog: parts.catalog, dataDirectory: settings.demo.dataDirectory, maxBytes: settings.demo.maxImageBytes
        ).addRoutes(to: router, writes: writes)
        OrderRoutes(desk: parts.desk).addRoutes(to: router, writes: writes)
        parts.statistics.addRoutes(to: router, backend: parts.coordination.backend, instance: parts.instance)
        router.addMethodNotAllowedResponses()
        return router
    }

    /// A group of routes limited to `demo.writesPerMinute` requests per client IP.
    private static func writeGroup<Limiter: RateLimiter>(
        _ router: Router<BasicRoostRequestContext>, limiter: Limiter, clientIP: ClientIPResolver
    ) -> RouterGroup<BasicRoostRequestContext> {
        router.group().add(
            middleware: RateLimitMiddleware(limiter: limiter) { request, context in
                "writes:" + (clientIP.clientIP(request, context: context)?.description ?? "unknown")
            })
    }
}

/// Messages a browser may send on `/events` (none are needed; the feed is one-way).
struct FeedCommand: Codable, Sendable {
    var op: String
}
