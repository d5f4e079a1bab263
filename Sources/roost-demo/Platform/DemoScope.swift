import Logging
import RoostCoordination
import RoostHTTP
import RoostScope
import RoostSQL
import ServiceLifecycle

/// `roost-demo` as RoostScope services. Each long-lived part is a named service that uses
/// the parts it needs, so the scope knows the dependency graph:
///
/// ```
/// http ─┬─ database
///       ├─ coordination                  (Redis pool, event bus, cache listener)
///       ├─ statistics-consumer ─┬─ database
///       │                       └─ coordination
///       ├─ hourly-statistics ───┬─ database
///       │                       └─ coordination
///       ├─ outbox-relay ────────┬─ database
///       │                       └─ coordination
///       └─ live-feed ─────────── coordination   (WebSocket hub and its bridge)
/// ```
///
/// When the root scope ends, `http` stops first (the server stops taking requests and
/// finishes the ones it has), then the consumer, the hourly task, the outbox relay and
/// the feed, and the database and the coordination backend last. Every part stops with a
/// graceful shutdown of its own, and logs `stopped` with its name under `scope`.
enum DemoScope {
    static let http = "http"
    static let database = "database"
    static let coordination = "coordination"
    static let statisticsConsumer = "statistics-consumer"
    static let hourlyStatistics = "hourly-statistics"
    static let outboxRelay = "outbox-relay"
    static let liveFeed = "live-feed"

    /// Starts the demo in `scope` and returns its parts once every service runs.
    static func start(in scope: Scope, settings: DemoSettings, logger: Logger) async throws -> DemoApplication.Parts {
        try await scope.service(Self.http, httpService(settings, logger: logger))
    }

    private static func httpService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<DemoApplication.Parts>) async throws -> Void {
        { context in
            let (database, coordination) = try await foundation(of: context, settings, logger: logger)
            _ = try await context.service(Self.statisticsConsumer, consumerService(settings, logger: logger))
            _ = try await context.service(Self.hourlyStatistics, hourlyService(settings, logger: logger))
            _ = try await context.service(Self.outboxRelay, outboxService(settings, logger: logger))
            let hub = try await context.service(Self.liveFeed, feedService(settings, logger: logger))
            let parts = DemoApplication.makeParts(
                settings: settings, database: database, coordination: coordination, hub: hub, logger: logger)
            let app = try DemoApplication.makeApplication(settings: settings, parts: parts, services: [], logger: logger)
            try await context.runUntilReleased(parts, services: [app])
        }
    }

    /// The database and the coordination backend, which most parts use.
    private static func foundation<Value>(
        of context: ServiceContext<Value>, _ settings: DemoSettings, logger: Logger
    ) async throws -> (DatabaseClient, Coordination) {
        let database = try await context.service(Self.database, databaseService(settings, logger: logger))
        let coordination = try await context.service(Self.coordination, coordinationService(settings, logger: logger))
        return (database, coordination)
    }

    private static func databaseService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<DatabaseClient>) async throws -> Void {
        { context in
            let database = try await DemoApplication.openDatabase(settings.database, logger: logger)
            try await context.runUntilReleased(database, services: [database])
        }
    }

    private static func coordinationService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<Coordination>) async throws -> Void {
        { context in
            let coordination = try DemoApplication.coordination(settings, logger: logger)
            try await context.runUntilReleased(coordination, services: coordination.services)
        }
    }

    private static func consumerService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<Statistics>) async throws -> Void {
        { context in
            let (database, coordination) = try await foundation(of: context, settings, logger: logger)
            let statistics = Statistics(database: database)
            let consumer = StatisticsConsumer(statistics: statistics, bus: coordination.bus, logger: logger)
            try await context.runUntilReleased(statistics, services: [consumer])
        }
    }

    private static func hourlyService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<String>) async throws -> Void {
        { context in
            let (database, coordination) = try await foundation(of: context, settings, logger: logger)
            let task = try HourlyStatistics.task(Statistics(database: database), lock: coordination.lock, logger: logger)
            try await context.runUntilReleased(HourlyStatistics.schedule, services: [task])
        }
    }

    private static func outboxService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<OutboxRelay>) async throws -> Void {
        { context in
            let (database, coordination) = try await foundation(of: context, settings, logger: logger)
            let relay = DemoApplication.outboxRelay(
                database: database, coordination: coordination, settings: settings, logger: logger)
            try await context.runUntilReleased(relay, services: [relay.task(every: DemoApplication.outboxInterval)])
        }
    }

    private static func feedService(
        _ settings: DemoSettings, logger: Logger
    ) -> @Sendable (ServiceContext<WebSocketHub>) async throws -> Void {
        { context in
            let coordination = try await context.service(Self.coordination, coordinationService(settings, logger: logger))
            let hub = DemoApplication.makeHub(logger: logger)
            try await context.runUntilReleased(hub, services: [DemoApplication.feedBridge(bus: coordination.bus, hub: hub)])
        }
    }
}

extension ServiceContext {
    /// Registers `value` and runs `services` while anyone uses this scoped service (see
    /// RoostScope's `run(_:services:gracePeriod:)`), logging `started` and `stopped` so
    /// the log shows the order in which the parts start and stop.
    func runUntilReleased(_ value: Value, services: [any Service]) async throws {
        // Logged before the users waiting for `value` resume.
        logger.info("started")
        try await run(value, services: services)
        logger.info("stopped")
    }
}
