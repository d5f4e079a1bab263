import Foundation
import HummingbirdTesting
import Logging
import RoostConfig
import RoostCoordination
import RoostTestSupport
import Testing

@testable import roost_demo

/// An order whose OrderPlaced could not be published after the commit is published later
/// by the outbox relay, and counted once.
@Suite struct OutboxTests {
    /// The demo's own relay leaves the tests' events alone however slow the machine is;
    /// the tests run relay passes themselves, each with a lock of its own, so that a pass
    /// never finds the demo's relay holding the shared one (and then publishes nothing).
    static let quietRelay = DemoOptions(writesPerMinute: 10_000, outboxGraceSeconds: 86_400)

    @Test func anOrderWhosePublishFailsIsPublishedLaterByTheRelay() async throws {
        try await withDemo(demo: Self.quietRelay) { app, parts in
            try await app.test(.router) { client in
                let product = try await client.createProduct(name: "Genmaicha", stock: 10)
                // A desk whose bus is down: the order commits, its event stays in the outbox.
                let down = parts.coordination.replacing(bus: UnavailableBus())
                let desk = OrderDesk(
                    database: parts.database, coordination: down, lockWait: .seconds(30),
                    queues: ProductQueues(timeout: .seconds(30)), instance: "test", logger: Logger(label: "test"))
                let (order, created) = try await desk.place(
                    NewOrder(productID: Int64(product), quantity: 2, clientToken: "outbox-1"))
                #expect(created)
                let orderID = try #require(order.id)
                #expect(try await Outbox.unsent(in: parts.database) == [orderID])

                // The relay leaves events younger than its grace period to the publish after
                // the commit.
                let clock = Box(Outbox.milliseconds())
                var relay = DemoApplication.outboxRelay(
                    database: parts.database, coordination: parts.coordination.replacing(lock: InMemoryLock(clock: .continuous)),
                    settings: DemoSettings(database: DatabaseSettings(), demo: DemoOptions()), logger: Logger(label: "test"))
                relay.now = { clock.value }
                #expect(try await relay.publishPending() == 0)
                #expect(try await Outbox.unsent(in: parts.database) == [orderID])

                // Past it, the relay publishes the stored event: the statistics count it.
                clock.update { $0 += 11_000 }
                #expect(try await relay.publishPending() == 1)
                #expect(try await Outbox.unsent(in: parts.database).isEmpty)
                try await pollUntil("the relayed order is counted", within: .seconds(30)) {
                    try await parts.statistics.totals() == Statistics.Totals(orders: 1, units: 2, revenueCents: 900)
                }
                // Marked sent: a later pass publishes nothing.
                clock.update { $0 += 60_000 }
                #expect(try await relay.publishPending() == 0)

                // With the bus up, the order's own publish marks its event sent at once.
                try await client.post("/orders", json: #"{"product_id":\#(product),"quantity":1,"client_token":"outbox-2"}"#) {
                    response throws in #expect(response.status == .created)
                }
                #expect(try await Outbox.unsent(in: parts.database).isEmpty)
            }
        }
    }

    @Test func aRelayPassStopsAtAnEventTheBusRefusesAndKeepsItForTheNextPass() async throws {
        try await withDemo(demo: Self.quietRelay) { app, parts in
            try await app.test(.router) { client in
                let product = try await client.createProduct(name: "Hojicha", stock: 10)
                let down = parts.coordination.replacing(bus: UnavailableBus())
                let desk = OrderDesk(
                    database: parts.database, coordination: down, lockWait: .seconds(30),
                    queues: ProductQueues(timeout: .seconds(30)), instance: "test", logger: Logger(label: "test"))
                let (order, _) = try await desk.place(NewOrder(productID: Int64(product), quantity: 1, clientToken: "outbox-3"))
                let lock = InMemoryLock(clock: .continuous)
                var relay = OutboxRelay(
                    database: parts.database, bus: UnavailableBus(), lock: lock, grace: .zero, logger: Logger(label: "test"))
                relay.now = { Outbox.milliseconds() + 1_000 }
                await #expect(throws: UnavailableBus.Refused.self) { try await relay.publishPending() }
                #expect(try await Outbox.unsent(in: parts.database) == [try #require(order.id)])
                // The failed pass released the relay's lock.
                #expect(try await lock.isLocked("outbox") == false)
            }
        }
    }
}

/// An event bus that is down: every publish fails.
private struct UnavailableBus: EventBus {
    struct Refused: Error {}

    func publish<E: Event>(_ event: E) async throws { throw Refused() }

    func subscribe<E: Event, Result: Sendable>(
        to type: E.Type, mode: SubscriptionMode, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        throw Refused()
    }

    func deadLetters<E: Event>(of type: E.Type, group: String) async throws -> [EventEnvelope] { [] }

    func shutdown() async {}
}

extension Coordination {
    /// The same backend with another event bus or lock.
    func replacing(bus: (any EventBus)? = nil, lock: (any DistributedLock)? = nil) -> Coordination {
        Coordination(
            lock: lock ?? self.lock, bus: bus ?? self.bus, cache: cache, writeLimiter: writeLimiter, services: services,
            checks: checks, backend: backend)
    }
}
