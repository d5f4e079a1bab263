import Foundation
import Logging
import RoostCoordination
import RoostSQL
import RoostTasks
import ServiceLifecycle

/// The transactional outbox of `OrderPlaced`: the event is stored in the order's own
/// transaction (so a committed order always has its event), published right after the
/// commit and then marked sent. When that publish fails, because the bus was down or the
/// process died between the commit and the publish, ``OutboxRelay`` publishes it later.
enum Outbox {
    /// Stores `event` unsent, inside the order's transaction.
    static func add(_ event: OrderPlaced, in tx: DatabaseTransaction) async throws {
        let json = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        try await tx.execute(
            """
            INSERT INTO order_outbox (order_id, event, created_at)
            VALUES (\(bind: event.orderID), \(bind: json), \(bind: event.placedAt))
            """)
    }

    /// Marks the event of order `orderID` sent at `now` (milliseconds since the epoch).
    static func markSent(_ orderID: Int64, at now: Int64, in database: DatabaseClient) async throws {
        try await database.execute(
            "UPDATE order_outbox SET sent_at = \(bind: now) WHERE order_id = \(bind: orderID) AND sent_at IS NULL")
    }

    /// The order ids whose events are not marked sent, oldest first.
    static func unsent(in database: DatabaseClient) async throws -> [Int64] {
        try await database.select(
            "SELECT order_id, event FROM order_outbox WHERE sent_at IS NULL ORDER BY order_id", as: Entry.self
        ).map(\.orderID)
    }

    /// The current time in milliseconds since the epoch, as orders store it.
    static func milliseconds(_ date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    struct Entry: Decodable, Sendable {
        var orderID: Int64
        var event: String

        enum CodingKeys: String, CodingKey {
            case event
            case orderID = "order_id"
        }
    }
}

/// Publishes the outbox's events that stayed unsent for longer than `grace` (the publish
/// after the commit normally marks them within milliseconds), and marks them sent. One
/// instance relays at a time: a pass runs only while it holds the `outbox` lock. The
/// statistics consumer counts an order once however often its event arrives.
///
/// ```swift
/// let relay = OutboxRelay(database: database, bus: bus, lock: lock, grace: .seconds(10), logger: logger)
/// let published = try await relay.publishPending()
/// ```
struct OutboxRelay: Sendable {
    let database: DatabaseClient
    let bus: any EventBus
    let lock: any DistributedLock
    /// How old an unsent event must be before the relay takes it over.
    let grace: Duration
    let logger: Logger
    /// Milliseconds since the epoch; injectable for tests.
    var now: @Sendable () -> Int64 = { Outbox.milliseconds() }

    /// One pass: publishes up to `limit` events older than `grace`, oldest first, and
    /// returns how many it published (0 when another instance holds the relay's lock).
    /// Stops at the first event the bus refuses; the next pass tries it again.
    func publishPending(limit: Int = 100) async throws -> Int {
        guard let lease = try await lock.tryAcquire("outbox", ttl: .seconds(60)) else { return 0 }
        let result: Result<Int, any Error>
        do {
            result = .success(try await publish(limit: limit))
        } catch {
            result = .failure(error)
        }
        try await lock.release(lease)
        return try result.get()
    }

    private func publish(limit: Int) async throws -> Int {
        let (seconds, attoseconds) = grace.components
        let cutoff = now() - seconds * 1000 - attoseconds / 1_000_000_000_000_000
        let entries = try await database.select(
            """
            SELECT order_id, event FROM order_outbox
            WHERE sent_at IS NULL AND created_at <= \(bind: cutoff)
            ORDER BY order_id LIMIT \(bind: limit)
            """, as: Outbox.Entry.self)
        for entry in entries {
            let event = try JSONDecoder().decode(OrderPlaced.self, from: Data(entry.event.utf8))
            try await bus.publish(event)
            try await Outbox.markSent(entry.orderID, at: now(), in: database)
            logger.info("published an order's event from the outbox", metadata: ["order": "\(entry.orderID)"])
        }
        return entries.count
    }

    /// A pass every `interval`, as a RoostTasks `IntervalTask`; a failed pass is logged
    /// and the next one tries again.
    func task(every interval: Duration) -> some Service {
        IntervalTask(name: "demo-outbox-relay", interval: interval, clock: ContinuousClock(), logger: logger) {
            _ = try await publishPending()
        }
    }
}
