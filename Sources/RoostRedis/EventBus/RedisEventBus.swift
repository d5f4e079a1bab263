import Foundation
import Logging
import NIOCore
import RoostCoordination
import ServiceLifecycle
import Synchronization

/// An ``EventBus`` across processes on Redis: broadcast through pub/sub, durable through
/// streams and consumer groups.
///
/// Publishing an event sends, in one round trip, a `PUBLISH` to the type's channel and an
/// `XADD` to the type's stream (only if a consumer group ever created it, and trimmed to
/// about ``Configuration/streamMaxLength`` entries).
///
/// - Broadcast subscribers share one ``RedisSubscriber`` connection; each event reaches
///   every subscriber present, fire-and-forget. After a reconnect the subscription resumes;
///   events published meanwhile are missed, as pub/sub promises nothing more.
/// - Durable subscribers read their group with `XREADGROUP` on a connection of their own.
///   An event is acknowledged (`XACK`) when the subscriber asks for the next one or its
///   scope returns; one left unacknowledged for `redeliverAfter` is claimed again
///   (`XAUTOCLAIM`) by any member of the group, and after `maxDeliveries` deliveries it is
///   moved to the group's dead-letter stream. A crashed process loses nothing.
///
/// The bus is a `Service`: run it (in a `ServiceGroup`, or a task group) while it is used.
///
/// ```swift
/// let bus = RedisEventBus(configuration: .init(connection: try RedisConnectionConfiguration(url: "redis://localhost")))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await bus.run() }
///     try await bus.listen(to: OrderPlaced.self, mode: .durable(group: "stats")) { order in
///         try await stats.record(order)
///     }
/// }
/// ```
public final class RedisEventBus: EventBus, Service {
    /// Where the bus connects and how it stores events.
    public struct Configuration: Sendable {
        /// The server.
        public var connection: RedisConnectionConfiguration
        /// Prepended to every channel and key. Default `roost:events:`.
        public var namespace: String
        /// About how many events each type's stream keeps (`MAXLEN ~`). Default 100,000.
        public var streamMaxLength: Int
        /// How long a durable subscriber blocks in one `XREADGROUP` before it checks for
        /// events to reclaim and for shutdown. Default 1 second.
        public var pollInterval: Duration
        /// The most connections publishing uses at once. Default 8.
        public var maximumPublishConnections: Int
        /// How long a publication waits for a free publishing connection before it fails
        /// with a pool timeout. Default 10 seconds.
        public var publishLeaseTimeout: Duration

        /// Creates a configuration with defaults for everything but the connection.
        public init(connection: RedisConnectionConfiguration) {
            self.connection = connection
            namespace = "roost:events:"
            streamMaxLength = 100_000
            pollInterval = .seconds(1)
            maximumPublishConnections = 8
            publishLeaseTimeout = .seconds(10)
        }
    }

    struct State {
        var isShutDown = false
        var active = 0
        var shutdownWaiters: [Int: UnsafeContinuation<Void, Never>] = [:]
        var nextWaiterID = 0
        var broadcastSources: [Int: BroadcastSource] = [:]
        var nextSourceID = 0
    }

    /// The configuration the bus was created with.
    public let configuration: Configuration
    let subscriber: RedisSubscriber
    let publisher: RedisConnectionPool
    let logger: Logger
    let state = Mutex(State())
    /// This bus's shutdown marker: the prefix and a random id.
    let shutdownMarker: [UInt8] = RedisEventBus.shutdownMarkerPrefix + Array(UUID().uuidString.utf8)

    /// Creates a bus; it connects when ``run()`` starts.
    public init(configuration: Configuration, logger: Logger = Logger(label: "roost.redis.events")) {
        self.configuration = configuration
        self.logger = logger
        subscriber = RedisSubscriber(configuration: configuration.connection)
        var pool = RedisPoolConfiguration(connection: configuration.connection)
        pool.maximumConnections = configuration.maximumPublishConnections
        pool.leaseTimeout = configuration.publishLeaseTimeout
        publisher = RedisConnectionPool(configuration: pool, logger: logger)
    }

    /// Keeps the publishing pool and the broadcast connection up until cancelled or shut
    /// down gracefully.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.subscriber.run() }
            group.addTask { try await self.publisher.run() }
            try await group.waitForAll()
        }
    }

    /// Encodes `event`, publishes it to the broadcast subscribers of its type and appends
    /// it to the type's stream for durable groups.
    public func publish<E: Event>(_ event: E) async throws {
        try checkOpen(E.eventType)
        let envelope = try EventEnvelope(event)
        let payload = ByteBuffer(bytes: envelope.payload)
        let replies = try await publisher.pipeline([
            RedisCommand("PUBLISH", .string(channel(E.eventType)), .bytes(payload)),
            RedisCommand(
                "XADD", publisher.configuration.connection.prefixed(stream(E.eventType)), "NOMKSTREAM", "MAXLEN", "~",
                .integer(Int64(configuration.streamMaxLength)), "*", "event", .bytes(payload)),
        ])
        for reply in replies { _ = try reply.get() }
    }

    /// Subscribes to events of type `E` for the duration of `body`.
    public func subscribe<E: Event, Result: Sendable>(
        to type: E.Type, mode: SubscriptionMode, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        try state.withLock { state throws(EventBusError) in
            guard !state.isShutDown else { throw EventBusError(eventType: E.eventType, reason: .shutDown) }
            state.active += 1
        }
        defer { subscriptionEnded() }
        if let durable = DurableGroupSettings(mode) {
            return try await subscribeDurable(to: type, settings: durable, body)
        }
        return try await subscribeBroadcast(to: type, body)
    }

    /// The events of type `E` that durable group `group` gave up on, oldest first.
    public func deadLetters<E: Event>(of type: E.Type, group: String) async throws -> [EventEnvelope] {
        let entries = try await publisher.withConnection { try await $0.streamRange(deadLetters(E.eventType, group)) }
        return entries.map { entry in
            EventEnvelope(eventType: E.eventType, payload: entry.fields["event"].map { Data($0.readableBytesView) } ?? Data())
        }
    }

    /// Refuses new publications and subscriptions, lets current subscribers finish what
    /// they were handed, and returns when their scopes have ended, or earlier, with
    /// subscriptions still finishing, if the calling task is cancelled.
    public func shutdown() async {
        let (mustWait, id) = state.withLock { state in
            state.isShutDown = true
            defer { state.nextWaiterID += 1 }
            return (state.active > 0, state.nextWaiterID)
        }
        guard mustWait else { return }
        await finishBroadcastSubscriptions()
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.active == 0 || Task.isCancelled { return true }
                    state.shutdownWaiters[id] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.shutdownWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Whether ``shutdown()`` has been called.
    public var isShutDown: Bool { state.withLock { $0.isShutDown } }

    func checkOpen(_ eventType: String) throws {
        if isShutDown { throw EventBusError(eventType: eventType, reason: .shutDown) }
    }

    private func subscriptionEnded() {
        let waiters = state.withLock { state in
            state.active -= 1
            guard state.active == 0, state.isShutDown else { return [UnsafeContinuation<Void, Never>]() }
            defer { state.shutdownWaiters = [:] }
            return Array(state.shutdownWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func channel(_ eventType: String) -> String { configuration.namespace + eventType }
    func stream(_ eventType: String) -> String { configuration.namespace + "{\(eventType)}:stream" }
    func deadLetters(_ eventType: String, _ group: String) -> String {
        configuration.namespace + "{\(eventType)}:dead:\(group)"
    }
}
