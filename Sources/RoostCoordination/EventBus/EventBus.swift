/// Publishes typed events to every subscriber of their type, within a process or across
/// processes, depending on the implementation.
///
/// Subscriptions are scoped: ``subscribe(to:mode:_:)`` hands its body an
/// ``EventSubscription`` (an `AsyncSequence` of events) and unsubscribes when the body
/// returns or throws. Every event published after the body starts reaches it, in
/// publication order.
///
/// ```swift
/// let bus: any EventBus = InMemoryEventBus()
/// try await bus.listen(to: OrderPlaced.self) { order in
///     try await mailer.confirm(order.orderID)
/// }
///
/// // Somewhere else:
/// try await bus.publish(OrderPlaced(orderID: 42, total: 9.90))
/// ```
///
/// ## Delivery
///
/// In ``SubscriptionMode/broadcast`` mode (publish/subscribe) each event goes to every
/// subscriber present at the time, fire-and-forget: nothing is stored for subscribers
/// that come later or acknowledged. In ``SubscriptionMode/durable(group:redeliverAfter:maxDeliveries:)``
/// mode each event goes to one subscriber of a consumer group, at least once.
///
/// A subscriber acknowledges an event by asking for the next one or by leaving its
/// scope normally; leaving the scope by throwing (or being cancelled) leaves the current
/// event unacknowledged, so durable mode redelivers it.
///
/// ## Shutdown
///
/// ``shutdown()`` stops new publications and subscriptions, lets every subscriber finish
/// the event it is handling and the events already delivered to it, ends the
/// subscriptions, and returns when they have all finished.
public protocol EventBus: Sendable {
    /// Encodes `event` and delivers it to the subscribers of its type.
    ///
    /// - Throws: ``EventBusError/Reason/encodingFailed`` when the event cannot be encoded,
    ///   ``EventBusError/Reason/shutDown`` after shutdown, or the backend's error.
    func publish<E: Event>(_ event: E) async throws

    /// Subscribes to events of type `E` for the duration of `body`.
    ///
    /// - Throws: ``EventBusError/Reason/shutDown`` after shutdown, the backend's error,
    ///   or `body`'s error.
    func subscribe<E: Event, Result: Sendable>(
        to type: E.Type, mode: SubscriptionMode, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result

    /// The events of type `E` that durable group `group` gave up on after its maximum
    /// number of deliveries, oldest first (empty for an unknown group).
    func deadLetters<E: Event>(of type: E.Type, group: String) async throws -> [EventEnvelope]

    /// Shuts the bus down gracefully; see the protocol's discussion. Returns early, with
    /// subscriptions still finishing, if the calling task is cancelled.
    func shutdown() async
}

/// How a subscription receives events.
public struct SubscriptionMode: Sendable, Hashable {
    enum Kind: Hashable {
        case broadcast
        case durable(group: String, redeliverAfter: Duration, maxDeliveries: Int)
    }

    let kind: Kind

    /// The consumer group, redelivery timeout and delivery limit of a durable mode; nil
    /// for broadcast. Bus implementations read it.
    public var durableSettings: (group: String, redeliverAfter: Duration, maxDeliveries: Int)? {
        guard case .durable(let group, let redeliverAfter, let maxDeliveries) = kind else { return nil }
        return (group, redeliverAfter, maxDeliveries)
    }

    /// Every subscriber present receives every event, fire-and-forget; nothing is stored
    /// or acknowledged.
    public static let broadcast = SubscriptionMode(kind: .broadcast)

    /// At-least-once delivery through a named consumer group: each event published once
    /// the group exists goes to one subscriber of the group, waiting while none is
    /// subscribed. An event the subscriber does not finish (its scope throws, or it
    /// crashes) is redelivered, to any subscriber of the group, `redeliverAfter` after
    /// it was handed out; after `maxDeliveries` deliveries it becomes a dead letter.
    ///
    /// ```swift
    /// try await bus.listen(to: InvoiceDue.self, mode: .durable(group: "billing")) { invoice in
    ///     try await billing.charge(invoice)   // throwing leaves it for redelivery
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - group: The consumer group's name; subscribers with the same name share the work.
    ///   - redeliverAfter: How long a delivery may stay unfinished; positive.
    ///   - maxDeliveries: How many deliveries an event gets before it is dead-lettered; at least 1.
    public static func durable(group: String, redeliverAfter: Duration = .seconds(30), maxDeliveries: Int = 5)
        -> SubscriptionMode
    {
        precondition(redeliverAfter > .zero, "redeliverAfter must be positive")
        precondition(maxDeliveries >= 1, "maxDeliveries must be at least 1")
        return SubscriptionMode(kind: .durable(group: group, redeliverAfter: redeliverAfter, maxDeliveries: maxDeliveries))
    }
}

extension EventBus {
    /// Subscribes to events of type `E` in broadcast mode for the duration of `body`.
    public func subscribe<E: Event, Result: Sendable>(
        to type: E.Type, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        try await subscribe(to: type, mode: .broadcast, body)
    }

    /// Calls `handler` for every event of type `E`, one at a time in order, until the bus
    /// shuts down (then returns) or the task is cancelled.
    ///
    /// - Throws: The handler's error, which ends listening, `CancellationError`, or
    ///   ``EventBusError``.
    public func listen<E: Event>(
        to type: E.Type, mode: SubscriptionMode = .broadcast, _ handler: (E) async throws -> Void
    ) async throws {
        try await subscribe(to: type, mode: mode) { events in
            for try await event in events { try await handler(event) }
        }
    }

    /// Waits for the first event of type `E` that satisfies `predicate`, for at most
    /// `timeout`.
    ///
    /// Only events published after the subscription starts count. When you publish a
    /// request and wait for its reply, subscribe first and publish inside the scope, so
    /// that a fast reply is not missed:
    ///
    /// ```swift
    /// let reply = try await bus.subscribe(to: PriceQuoted.self) { quotes in
    ///     try await bus.publish(QuoteRequested(sku: "A-1"))
    ///     return try await quotes.first(timeout: .seconds(2)) { $0.sku == "A-1" }
    /// }
    /// ```
    ///
    /// - Throws: ``EventBusError/Reason/timeout(_:)`` when none arrives in time,
    ///   ``EventBusError/Reason/shutDown`` when the bus shuts down first.
    public func firstEvent<E: Event>(
        of type: E.Type, timeout: Duration, where predicate: @escaping @Sendable (E) -> Bool = { _ in true }
    ) async throws -> E {
        try await subscribe(to: type) { events in
            try await events.first(timeout: timeout, where: predicate)
        }
    }
}
