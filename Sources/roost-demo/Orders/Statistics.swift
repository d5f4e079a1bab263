import Foundation
import Hummingbird
import Logging
import RoostCoordination
import RoostHTTP
import RoostSQL
import RoostTasks
import ServiceLifecycle

/// Order statistics, kept by a consumer of the durable ``OrderPlaced`` stream.
///
/// The consumer belongs to the consumer group `demo-stats`: across all instances each
/// event reaches one of them, at least once (an instance that dies mid-event leaves it for
/// another). Each order is recorded under its id as primary key, so a redelivered event
/// counts once.
struct Statistics: Sendable {
    let database: DatabaseClient

    /// Totals over every order counted.
    struct Totals: Codable, Sendable, Equatable {
        var orders: Int64
        var units: Int64
        var revenueCents: Int64

        enum CodingKeys: String, CodingKey {
            case orders, units
            case revenueCents = "revenue_cents"
        }
    }

    /// One hour written by the hourly task.
    struct Hour: Codable, Sendable, Equatable {
        var hourStart: Int64
        var orders: Int64
        var units: Int64
        var revenueCents: Int64

        enum CodingKeys: String, CodingKey {
            case orders, units
            case hourStart = "hour_start"
            case revenueCents = "revenue_cents"
        }
    }

    /// What `GET /stats` answers.
    struct Report: Codable, Sendable {
        var totals: Totals
        var hours: [Hour]
        var backend: String
        var instance: String
    }

    /// Counts one order; true when it was new.
    @discardableResult
    func record(_ event: OrderPlaced) async throws -> Bool {
        do {
            try await database.execute(
                """
                INSERT INTO order_stats (order_id, product_id, quantity, total_cents, recorded_at)
                VALUES (\(bind: event.orderID), \(bind: event.productID), \(bind: event.quantity),
                        \(bind: event.totalCents), \(bind: Int64(Date().timeIntervalSince1970 * 1000)))
                """)
            return true
        } catch let error as DatabaseError where error.kind == .constraintViolation {
            return false  // counted before: this is a redelivery
        }
    }

    /// The totals over every counted order.
    func totals() async throws -> Totals {
        let bigint = database.engine == .mysql ? "SIGNED" : "BIGINT"
        let totals = try await database.find(
            """
            SELECT COUNT(*) AS orders, CAST(COALESCE(SUM(quantity), 0) AS \(unsafeRaw: bigint)) AS units,
                   CAST(COALESCE(SUM(total_cents), 0) AS \(unsafeRaw: bigint)) AS revenue_cents
            FROM order_stats
            """, as: Totals.self)
        return totals ?? Totals(orders: 0, units: 0, revenueCents: 0)
    }

    /// Writes the hour before `tick` from the orders table. A row written under a larger
    /// fencing token (a later run of the same hour) is left alone.
    func writeHour(endingAt end: Date, fencingToken: UInt64) async throws {
        let endMS = Int64(end.timeIntervalSince1970 * 1000)
        let startMS = endMS - 3_600_000
        let bigint = database.engine == .mysql ? "SIGNED" : "BIGINT"
        let token = Int64(clamping: fencingToken)
        try await database.withTransaction { tx in
            let hour = try await tx.find(
                """
                SELECT COUNT(*) AS orders,
                       CAST(COALESCE(SUM(quantity), 0) AS \(unsafeRaw: bigint)) AS units,
                       CAST(COALESCE(SUM(total_cents), 0) AS \(unsafeRaw: bigint)) AS revenue_cents
                FROM orders WHERE created_at >= \(bind: startMS) AND created_at < \(bind: endMS)
                """, as: Totals.self) ?? Totals(orders: 0, units: 0, revenueCents: 0)
            let changed = try await tx.delete(
                from: "hourly_stats", where: "hour_start = \(bind: startMS) AND fencing_token < \(bind: token)")
            let exists = try await tx.count(from: "hourly_stats", where: "hour_start = \(bind: startMS)") > 0
            guard changed > 0 || !exists else { return }
            try await tx.execute(
                """
                INSERT INTO hourly_stats (hour_start, orders, units, revenue_cents, fencing_token)
                VALUES (\(bind: startMS), \(bind: hour.orders), \(bind: hour.units), \(bind: hour.revenueCents), \(bind: token))
                """)
        }
    }

    /// The latest hours written by the hourly task, newest first.
    func recentHours(limit: Int = 24) async throws -> [Hour] {
        try await database.select(
            """
            SELECT hour_start, orders, units, revenue_cents FROM hourly_stats
            ORDER BY hour_start DESC LIMIT \(bind: limit)
            """, as: Hour.self)
    }

    /// `GET /stats`.
    func addRoutes(to router: Router<BasicRoostRequestContext>, backend: String, instance: String) {
        router.get("/stats") { _, context -> Envelope<Report> in
            let report = Report(
                totals: try await totals(), hours: try await recentHours(), backend: backend, instance: instance)
            return .success(report, context: context)
        }
    }
}

/// Feeds ``Statistics`` from the durable `OrderPlaced` stream until graceful shutdown.
struct StatisticsConsumer: Service {
    let statistics: Statistics
    let bus: any EventBus
    let logger: Logger

    static let group = "demo-stats"

    func run() async throws {
        try await untilGracefulShutdown {
            // A failure to count one order must not stop the service: the event stays
            // unacknowledged, comes back after `redeliverAfter`, and is dead-lettered
            // after `maxDeliveries`.
            while true {
                do {
                    try await bus.listen(
                        to: OrderPlaced.self, mode: .durable(group: Self.group, redeliverAfter: .seconds(10), maxDeliveries: 10)
                    ) { event in
                        if try await statistics.record(event) == false {
                            logger.debug("order counted before", metadata: ["order": "\(event.orderID)"])
                        }
                    }
                    return
                } catch let error where !(error is CancellationError) && !Task.isCancelled {
                    logger.error("could not count an order; it will be delivered again", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}

/// The hourly statistics task: at minute 0 of every hour one instance (whichever takes the
/// tick's lock first) writes the hour that just ended.
enum HourlyStatistics {
    /// Minute 0 of every hour, UTC.
    static let schedule = "0 * * * *"

    static func task<Lock: DistributedLock>(_ statistics: Statistics, lock: Lock, logger: Logger) throws -> any Service {
        SingleInstanceTask(
            name: "demo-hourly-stats", schedule: .cron(try CronSchedule(schedule), timeZone: .gmt), lock: lock,
            logger: logger
        ) { tick in
            try await statistics.writeHour(endingAt: tick.fireDate, fencingToken: tick.fencingToken)
            logger.info("wrote hourly statistics", metadata: ["hour_end": "\(tick.fireDate)"])
        }
    }
}
