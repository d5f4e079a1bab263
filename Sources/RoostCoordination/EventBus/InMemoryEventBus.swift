import Synchronization

/// An ``EventBus`` inside this process: the embedded default for a service that runs on
/// one machine.
///
/// Events are encoded to JSON on publish and decoded per subscriber, exactly as a
/// distributed bus would, so an event type that works here works there. Each
/// subscription buffers up to `bufferLimit` undelivered events; when a slow subscriber's
/// buffer is full the oldest event is dropped for it and counted in ``droppedCount``
/// (broadcast is fire-and-forget, and a publisher never waits for subscribers).
///
/// Durable subscriptions keep a queue per consumer group, also bounded by `bufferLimit`,
/// with acknowledgement, redelivery after the group's timeout (measured on the injected
/// clock) and dead letters — within this process, so events not yet handled are lost if
/// the process ends.
///
/// ```swift
/// let bus = InMemoryEventBus()
/// async let reply = bus.firstEvent(of: JobFinished.self, timeout: .seconds(30)) { $0.jobID == 7 }
/// ```
public final class InMemoryEventBus<C: Clock>: EventBus where C.Duration == Duration {
    struct Subscriber {
        var eventType: String
        /// Durable subscribers read their group's queue, not the broadcast buffer.
        var isDurable = false
        var buffer = EnvelopeQueue()
        var waiter: CheckedContinuation<EventEnvelope?, any Error>?
        /// Returned nil after shutdown: finished as far as shutdown is concerned.
        var ended = false
    }

    struct State {
        var nextID: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var isShutDown = false
        var shutdownWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var dropped = 0

        var allFinished: Bool { subscribers.values.allSatisfy(\.ended) }

        /// Takes the shutdown waiters once every subscriber has finished.
        mutating func finishedShutdownWaiters() -> [CheckedContinuation<Void, Never>] {
            guard isShutDown, allFinished else { return [] }
            defer { shutdownWaiters = [:] }
            return Array(shutdownWaiters.values)
        }
    }

    /// The most undelivered events buffered per subscription.
    public let bufferLimit: Int
    private let clock: C
    private let state = Mutex(State())
    private let durable: DurableGroups<C>

    /// Creates a bus.
    ///
    /// - Parameters:
    ///   - bufferLimit: The most undelivered events held per subscription; at least 1.
    ///   - clock: The clock that timeouts are measured on.
    public init(bufferLimit: Int = 1_024, clock: C) {
        precondition(bufferLimit >= 1, "bufferLimit must be at least 1")
        self.bufferLimit = bufferLimit
        self.clock = clock
        self.durable = DurableGroups(clock: clock, limit: bufferLimit)
    }

    /// The number of active subscriptions.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// How many deliveries were dropped because a subscriber's buffer (or a durable
    /// group's queue) was full.
    public var droppedCount: Int { state.withLock { $0.dropped } + durable.droppedCount }

    /// The events of type `E` that durable group `group` gave up on after its maximum
    /// number of deliveries, oldest first.
    public func deadLetters<E: Event>(of type: E.Type, group: String) -> [EventEnvelope] {
        durable.deadLetters(.init(eventType: E.eventType, name: group))
    }

    /// The events of type `E` that durable group `group` holds: waiting for a consumer or
    /// delivered and not yet acknowledged.
    public func pendingCount<E: Event>(of type: E.Type, group: String) -> Int {
        durable.pendingCount(.init(eventType: E.eventType, name: group))
    }

    /// Whether ``shutdown()`` has been called.
    public var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// Encodes `event` and hands it to every current subscriber of its type.
    public func publish<E: Event>(_ event: E) throws {
        let envelope = try EventEnvelope(event)
        let waiters = try state.withLock { state -> [CheckedContinuation<EventEnvelope?, any Error>] in
            guard !state.isShutDown else { throw EventBusError(eventType: E.eventType, reason: .shutDown) }
            var waiters: [CheckedContinuation<EventEnvelope?, any Error>] = []
            let recipients = state.subscribers.compactMap { id, subscriber in
                subscriber.eventType == envelope.eventType && !subscriber.isDurable ? id : nil
            }
            for id in recipients {
                if let waiter = state.subscribers[id]!.waiter {
                    state.subscribers[id]!.waiter = nil
                    waiters.append(waiter)
                } else if state.subscribers[id]!.buffer.append(envelope, limit: bufferLimit) {
                    state.dropped += 1
                }
            }
            return waiters
        }
        durable.append(envelope)
        for waiter in waiters { waiter.resume(returning: envelope) }
    }

    /// Subscribes to events of type `E` for the duration of `body`.
    public func subscribe<E: Event, Result: Sendable>(
        to type: E.Type, mode: SubscriptionMode, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        let isDurable = if case .durable = mode.kind { true } else { false }
        let id = try state.withLock { state -> UInt64 in
            guard !state.isShutDown else { throw EventBusError(eventType: E.eventType, reason: .shutDown) }
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(eventType: E.eventType, isDurable: isDurable)
            return state.nextID
        }
        defer { unsubscribe(id) }
        let clock = clock
        let sleep: @Sendable (Duration) async throws -> Void = { try await clock.sleep(for: $0) }
        switch mode.kind {
        case .broadcast:
            return try await body(EventSubscription(source: Source(bus: self, id: id), sleep: sleep))
        case .durable(let group, let redeliverAfter, let maxDeliveries):
            let key = DurableGroups<C>.GroupKey(eventType: E.eventType, name: group)
            durable.register(key, redeliverAfter: redeliverAfter, maxDeliveries: maxDeliveries)
            do {
                let result = try await body(EventSubscription(source: DurableSource(bus: self, id: id, group: key), sleep: sleep))
                durable.acknowledge(consumer: id)
                return result
            } catch {
                durable.abandon(consumer: id)
                throw error
            }
        }
    }

    /// Stops publishing and subscribing, lets subscribers drain what was delivered to
    /// them, and returns once every subscription has finished or left its scope.
    public func shutdown() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (done, ended) = state.withLock { state -> (Bool, [CheckedContinuation<EventEnvelope?, any Error>]) in
                    state.isShutDown = true
                    var ended: [CheckedContinuation<EventEnvelope?, any Error>] = []
                    for key in state.subscribers.keys {
                        if let waiter = state.subscribers[key]!.waiter {
                            state.subscribers[key]!.waiter = nil
                            state.subscribers[key]!.ended = true
                            ended.append(waiter)
                        }
                    }
                    if state.allFinished || Task.isCancelled { return (true, ended) }
                    // Durable subscribers finish through their own queue, below.
                    state.shutdownWaiters[id] = continuation
                    return (false, ended)
                }
                for waiter in ended { waiter.resume(returning: nil) }
                durable.shutDown()
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.shutdownWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// The next envelope for subscriber `id`; see ``EventSource/nextEnvelope()``.
    fileprivate func next(_ id: UInt64) async throws -> EventEnvelope? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<EventEnvelope?, any Error>) in
                let (registration, finished) = state.withLock { state -> (Registration, [CheckedContinuation<Void, Never>]) in
                    guard state.subscribers[id] != nil else { return (.resume(nil), []) }
                    if let envelope = state.subscribers[id]!.buffer.popFirst() { return (.resume(envelope), []) }
                    if state.isShutDown {
                        state.subscribers[id]!.ended = true
                        return (.resume(nil), state.finishedShutdownWaiters())
                    }
                    if Task.isCancelled { return (.cancelled, []) }
                    state.subscribers[id]!.waiter = continuation
                    return (.registered, [])
                }
                finished.forEach { $0.resume() }
                switch registration {
                case .registered: break
                case .resume(let envelope): continuation.resume(returning: envelope)
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<EventEnvelope?, any Error>? in
                defer { state.subscribers[id]?.waiter = nil }
                return state.subscribers[id]?.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Records that durable subscriber `id` has seen the end of its queue.
    fileprivate func markEnded(_ id: UInt64) {
        let finished = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.subscribers[id]?.ended = true
            return state.finishedShutdownWaiters()
        }
        finished.forEach { $0.resume() }
    }

    private func unsubscribe(_ id: UInt64) {
        let finished = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.subscribers.removeValue(forKey: id)
            return state.finishedShutdownWaiters()
        }
        finished.forEach { $0.resume() }
    }

    /// The ``EventSource`` of one in-memory subscription.
    private struct Source: EventSource {
        let bus: InMemoryEventBus
        let id: UInt64

        func nextEnvelope() async throws -> EventEnvelope? { try await bus.next(id) }
    }

    /// The ``EventSource`` of one durable subscription: asking for the next envelope
    /// acknowledges the previous one.
    private struct DurableSource: EventSource {
        let bus: InMemoryEventBus
        let id: UInt64
        let group: DurableGroups<C>.GroupKey

        func nextEnvelope() async throws -> EventEnvelope? {
            guard let envelope = try await bus.durable.next(group, consumer: id) else {
                bus.markEnded(id)
                return nil
            }
            return envelope
        }
    }
}

/// What a subscriber's request for the next envelope found.
private enum Registration {
    case registered
    case resume(EventEnvelope?)
    case cancelled
}

extension InMemoryEventBus where C == ContinuousClock {
    /// Creates a bus whose timeouts follow the system's continuous clock.
    public convenience init(bufferLimit: Int = 1_024) { self.init(bufferLimit: bufferLimit, clock: ContinuousClock()) }
}
