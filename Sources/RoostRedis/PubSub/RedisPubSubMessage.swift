import NIOCore

/// What a subscription listens to: a channel, a glob-style pattern, or a shard channel
/// (Redis 7 sharded pub/sub).
///
/// ```swift
/// let targets: [RedisSubscriptionTarget] = [.channel("orders"), .pattern("user.*")]
/// ```
public struct RedisSubscriptionTarget: Hashable, Sendable, CustomStringConvertible {
    /// How the target is subscribed.
    public enum Kind: Hashable, Sendable, CaseIterable {
        /// `SUBSCRIBE`: messages published to exactly this channel.
        case channel
        /// `PSUBSCRIBE`: messages published to any channel matching a glob pattern.
        case pattern
        /// `SSUBSCRIBE`: messages published with `SPUBLISH` to this shard channel.
        case shardChannel
    }

    /// How the target is subscribed.
    public let kind: Kind
    /// The channel name or pattern.
    public let name: String

    /// A channel, subscribed with `SUBSCRIBE`.
    public static func channel(_ name: String) -> Self { Self(kind: .channel, name: name) }
    /// A glob pattern such as `news.*`, subscribed with `PSUBSCRIBE`.
    public static func pattern(_ pattern: String) -> Self { Self(kind: .pattern, name: pattern) }
    /// A shard channel, subscribed with `SSUBSCRIBE` (Redis 7 and later).
    public static func shardChannel(_ name: String) -> Self { Self(kind: .shardChannel, name: name) }

    /// `channel:name`, `pattern:name` or `shard:name`.
    public var description: String {
        switch kind {
        case .channel: "channel:\(name)"
        case .pattern: "pattern:\(name)"
        case .shardChannel: "shard:\(name)"
        }
    }

    var subscribeCommand: String {
        switch kind {
        case .channel: "SUBSCRIBE"
        case .pattern: "PSUBSCRIBE"
        case .shardChannel: "SSUBSCRIBE"
        }
    }

    var unsubscribeCommand: String {
        switch kind {
        case .channel: "UNSUBSCRIBE"
        case .pattern: "PUNSUBSCRIBE"
        case .shardChannel: "SUNSUBSCRIBE"
        }
    }
}

/// One message delivered to a subscription.
///
/// ```swift
/// case .message(let message):
///     print(message.channel, message.pattern ?? "-", message.string)
/// ```
public struct RedisPubSubMessage: Hashable, Sendable {
    /// The channel the message was published to.
    public let channel: String
    /// The pattern that matched the channel, for a pattern subscription; `nil` otherwise.
    public let pattern: String?
    /// Whether the message came from a shard channel (`SPUBLISH`).
    public let isShardMessage: Bool
    /// The published bytes.
    public let payload: ByteBuffer

    /// The payload decoded as UTF-8.
    public var string: String { String(buffer: payload) }

    /// Creates a message.
    public init(channel: String, pattern: String? = nil, isShardMessage: Bool = false, payload: ByteBuffer) {
        self.channel = channel
        self.pattern = pattern
        self.isShardMessage = isShardMessage
        self.payload = payload
    }

    /// The subscription target the message was delivered through.
    var target: RedisSubscriptionTarget {
        if let pattern { return .pattern(pattern) }
        return isShardMessage ? .shardChannel(channel) : .channel(channel)
    }
}

/// Why messages may have been missed.
public enum RedisPubSubGap: Hashable, Sendable {
    /// The subscriber lost its connection and subscribed again on a new one: messages
    /// published while it was disconnected were not delivered.
    case reconnected
    /// The consumer read too slowly and this many messages were dropped because its buffer
    /// was full.
    case bufferOverflow(droppedMessages: Int)
}

/// What a subscription yields: messages, and a warning whenever some may have been lost.
///
/// Redis pub/sub is fire-and-forget: a message published while a subscriber is
/// disconnected is gone. Instead of hiding that, the subscription tells the consumer, so it
/// can re-read the state it needs (or use a stream for durable delivery).
///
/// ```swift
/// for try await event in subscription {
///     switch event {
///     case .message(let message): handle(message.string)
///     case .gap(let reason): logger.warning("messages may be missing: \(reason)"); await resync()
///     }
/// }
/// ```
public enum RedisPubSubEvent: Hashable, Sendable {
    /// A message.
    case message(RedisPubSubMessage)
    /// Messages may be missing before the next one.
    case gap(RedisPubSubGap)

    /// The message, or `nil` for a gap.
    public var message: RedisPubSubMessage? {
        if case .message(let message) = self { return message }
        return nil
    }
}

/// The events of one subscription, in arrival order. Iterate it inside the body of
/// ``RedisSubscriber/subscribe(to:_:)``; it ends when the subscriber stops.
///
/// Only one task should iterate a subscription, once: when that iteration ends (a `break`
/// out of the loop, or the iterator going away) the subscription is unsubscribed.
public struct RedisSubscription: AsyncSequence, Sendable {
    /// A message or a gap.
    public typealias Element = RedisPubSubEvent

    /// What the subscription listens to.
    public let targets: [RedisSubscriptionTarget]
    let stream: AsyncStream<RedisPubSubEvent>
    let endIteration: @Sendable () -> Void

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), token: IterationToken(onEnd: endIteration))
    }

    /// Only the messages, skipping gap events.
    public var messages: some AsyncSequence<RedisPubSubMessage, Never> {
        compactMap(\.message)
    }

    /// Reads the events of a subscription; unsubscribes when it goes away.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<RedisPubSubEvent>.Iterator
        let token: IterationToken

        /// The next event, or `nil` when the subscriber stopped.
        public mutating func next() async -> RedisPubSubEvent? {
            await base.next()
        }
    }
}

/// Runs `onEnd` when the last copy of an iterator is gone.
final class IterationToken: Sendable {
    let onEnd: @Sendable () -> Void

    init(onEnd: @escaping @Sendable () -> Void) { self.onEnd = onEnd }

    deinit { onEnd() }
}
