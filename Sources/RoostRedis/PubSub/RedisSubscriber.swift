import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Receives pub/sub messages over one dedicated connection that it keeps alive: when the
/// connection breaks, it reconnects with backoff, subscribes to everything again, and tells
/// each interrupted subscription that messages may have been missed
/// (``RedisPubSubEvent/gap(_:)``).
///
/// The subscriber is a `Service`: it works while ``run()`` runs. Subscriptions are scoped:
/// ``subscribe(to:_:)`` subscribes, runs its body with the messages, and unsubscribes when
/// the body returns or throws. Any number of subscriptions share the connection; a channel
/// two subscriptions listen to is subscribed once on the server.
///
/// On RESP3 messages arrive as push frames; on RESP2 the connection is in subscribed mode.
/// Either way the connection is used for nothing else, so publish from another connection
/// or a pool.
///
/// ```swift
/// let subscriber = RedisSubscriber(configuration: try RedisConnectionConfiguration(url: "redis://localhost"))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await subscriber.run() }
///     try await subscriber.subscribe(to: [.channel("orders"), .pattern("user.*")]) { subscription in
///         for await event in subscription {
///             guard case .message(let message) = event else { continue }  // or resync on a gap
///             if message.string == "stop" { break }
///         }
///     }
///     group.cancelAll()
/// }
/// ```
public final class RedisSubscriber: Service {
    /// How the subscriber connects, buffers and reconnects.
    public struct Configuration: Sendable {
        /// How the dedicated connection is opened.
        public var connection: RedisConnectionConfiguration
        /// The first delay before reconnecting after a failed attempt; it doubles up to
        /// ``maximumReconnectDelay``. The first attempt after losing a connection is
        /// immediate. Default 100 milliseconds.
        public var minimumReconnectDelay: Duration
        /// The longest delay between reconnection attempts. Default 5 seconds.
        public var maximumReconnectDelay: Duration
        /// How long ``RedisSubscriber/subscribe(to:_:)`` waits for the server to confirm
        /// (including waiting for a connection) before throwing ``RedisPubSubError``.
        /// Default 30 seconds.
        public var subscribeTimeout: Duration
        /// How many undelivered events each subscription buffers for a slow consumer; beyond
        /// it, new messages are dropped and reported as a
        /// ``RedisPubSubGap/bufferOverflow(droppedMessages:)`` gap. Default 10,000.
        public var bufferSize: Int
        /// How often the idle connection is checked with `PING`, so a connection that died
        /// silently (a dropped network, a half-open socket) is found and replaced; `nil`
        /// never checks. A `PING` that fails or gets no reply within the command timeout
        /// closes the connection. Default 30 seconds.
        public var pingInterval: Duration?

        /// Creates a configuration with defaults for everything but the connection.
        public init(connection: RedisConnectionConfiguration) {
            self.connection = connection
            self.minimumReconnectDelay = .milliseconds(100)
            self.maximumReconnectDelay = .seconds(5)
            self.subscribeTimeout = .seconds(30)
            self.bufferSize = 10_000
            self.pingInterval = .seconds(30)
        }
    }

    /// The configuration the subscriber was created with.
    public let configuration: Configuration
    let registry = RedisSubscriptionRegistry()
    private let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// Creates a subscriber; it connects when ``run()`` starts.
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.redis.pubsub")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Creates a subscriber with default reconnection and buffering settings.
    public convenience init(configuration: RedisConnectionConfiguration) {
        self.init(configuration: Configuration(connection: configuration))
    }

    /// Keeps the connection up and delivers messages until the task is cancelled or the
    /// service group shuts down; then every subscription's sequence ends.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.maintainConnection()
        }
        registry.stop(RedisPubSubError(.notRunning, address: configuration.connection.address))
    }

    private func maintainConnection() async {
        var connectionConfiguration = configuration.connection
        // The subscriber bounds buffering per subscription; the connection must not drop.
        connectionConfiguration.pushBufferSize = .max
        var delay: Duration? = nil
        while !Task.isCancelled {
            if let wait = delay {
                do { try await Task.sleep(for: wait) } catch { return }
            }
            do {
                let connection = try await RedisConnection.connect(
                    configuration: connectionConfiguration, eventLoop: eventLoopGroup.any(), logger: logger)
                delay = nil
                await serve(connection)
            } catch {
                let next = delay.map { $0 * 2 } ?? configuration.minimumReconnectDelay
                delay = min(next, configuration.maximumReconnectDelay)
                logger.warning(
                    "Redis subscriber could not connect; retrying",
                    metadata: ["address": "\(configuration.connection.address)", "error": "\(error)", "retry_in": "\(delay!)"])
            }
        }
    }

    /// Subscribes everything on a fresh connection, then delivers its messages until it
    /// closes (or the task is cancelled, which closes it).
    private func serve(_ connection: RedisConnection) async {
        defer { registry.disconnected(connection) }
        do {
            for future in registry.resubscribe(on: connection) { _ = try await future.get() }
        } catch {
            logger.warning(
                "Redis subscriber could not subscribe again after connecting; reconnecting",
                metadata: ["address": "\(configuration.connection.address)", "error": "\(error)"])
            connection.startClosing()
            return
        }
        registry.ready(connection)
        await withTaskGroup(of: Void.self) { group in
            if let interval = configuration.pingInterval {
                group.addTask { await self.keepAlive(connection, every: interval) }
            }
            for await frame in connection.pushes {
                guard let message = PubSubFrame.message(frame) else { continue }
                registry.deliver(
                    RedisPubSubMessage(
                        channel: message.channel, pattern: message.pattern, isShardMessage: message.kind == .smessage,
                        payload: message.payload))
            }
            group.cancelAll()
        }
        if connection.isOpen {
            // Cancelled: the stream ended before the channel closed.
            connection.startClosing()
        } else {
            logger.info(
                "Redis subscriber lost its connection; reconnecting",
                metadata: ["address": "\(configuration.connection.address)"])
        }
    }

    /// Pings the connection every `interval` until cancelled; closes it when a ping fails.
    /// (On RESP2 a subscribed connection answers `PING` with `["pong", ""]`, a reply the
    /// state machine matches like any other.)
    private func keepAlive(_ connection: RedisConnection, every interval: Duration) async {
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try await connection.send(RedisCommand("PING"))
            } catch is CancellationError {
                return
            } catch {
                logger.warning(
                    "Redis subscriber keep-alive PING failed; reconnecting",
                    metadata: ["address": "\(configuration.connection.address)", "error": "\(error)"])
                connection.startClosing()
                return
            }
        }
    }
}
