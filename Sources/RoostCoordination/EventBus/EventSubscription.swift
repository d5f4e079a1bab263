/// Where an ``EventSubscription`` gets its envelopes from. Bus implementations provide
/// one per subscription.
public protocol EventSource: Sendable {
    /// The next envelope, waiting for one if needed; nil once the subscription has ended.
    /// Asking for the next envelope marks the previous one handled.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting, or the
    ///   backend's error.
    func nextEnvelope() async throws -> EventEnvelope?
}

/// The events of one type delivered to one subscription, in publication order, as an
/// `AsyncSequence`. It ends when the bus shuts down (after the events already delivered).
///
/// ```swift
/// try await bus.subscribe(to: OrderPlaced.self) { orders in
///     for try await order in orders {
///         print(order.orderID)
///     }
/// }
/// ```
///
/// A payload that cannot be decoded as `E` is thrown as
/// ``EventBusError/Reason/decodingFailed`` from the iteration.
public struct EventSubscription<E: Event>: AsyncSequence, Sendable {
    /// Iterates the subscription.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any EventSource

        /// The next event, or nil when the subscription has ended.
        public mutating func next() async throws -> E? {
            try await source.nextEnvelope()?.decode(as: E.self)
        }
    }

    private let source: any EventSource
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Creates a subscription over `source`; `sleep` waits on the bus's clock for timeouts.
    public init(source: any EventSource, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.source = source
        self.sleep = sleep
    }

    /// Creates an iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }

    /// The next event that satisfies `predicate`, waiting at most `timeout`.
    ///
    /// - Throws: ``EventBusError/Reason/timeout(_:)`` when none arrives in time,
    ///   ``EventBusError/Reason/shutDown`` when the subscription ends first,
    ///   ``EventBusError/Reason/invalidTimeout(_:)`` for a negative timeout.
    public func first(timeout: Duration, where predicate: @escaping @Sendable (E) -> Bool = { _ in true }) async throws -> E {
        guard timeout >= .zero else { throw EventBusError(eventType: E.eventType, reason: .invalidTimeout(timeout)) }
        let source = source
        let sleep = sleep
        return try await withThrowingTaskGroup(of: E?.self) { group in
            group.addTask {
                var events = AsyncIterator(source: source)
                while let event = try await events.next() {
                    if predicate(event) { return event }
                }
                throw EventBusError(eventType: E.eventType, reason: .shutDown)
            }
            group.addTask {
                try await sleep(timeout)
                return nil
            }
            defer { group.cancelAll() }
            // The waiter's answer wins over the timer when both are ready.
            guard let first = try await group.next() else { preconditionFailure("two tasks were added") }
            if let event = first { return event }
            group.cancelAll()
            do {
                if let event = try await group.next() ?? nil { return event }
            } catch is CancellationError {
                // The waiter stopped because the timer won.
            }
            throw EventBusError(eventType: E.eventType, reason: .timeout(timeout))
        }
    }
}
