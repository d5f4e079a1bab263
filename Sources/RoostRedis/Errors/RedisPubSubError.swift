import RoostCore

/// A subscription could not be made.
public struct RedisPubSubError: RoostError {
    /// Why the subscription failed.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// The ``RedisSubscriber`` is not running (``RedisSubscriber/run()`` ended or never
        /// started).
        public static let notRunning = Kind(name: "not_running")
        /// The server did not confirm the subscription in time (no connection, or a slow
        /// server).
        public static let timeout = Kind(name: "timeout")
        /// The subscription named no channel or pattern.
        public static let noTargets = Kind(name: "no_targets")
        /// The kind's name, as used in the error code.
        public var description: String { name }
    }

    /// Why the subscription failed.
    public let kind: Kind
    /// The server address.
    public let address: String
    /// The time allowed, for ``Kind/timeout``.
    public let timeout: Duration?

    init(_ kind: Kind, address: String, timeout: Duration? = nil) {
        self.kind = kind
        self.address = address
        self.timeout = timeout
    }

    /// `redis.pubsub.not_running`, `redis.pubsub.timeout` or `redis.pubsub.no_targets`.
    public var code: ErrorCode { ErrorCode(rawValue: "redis.pubsub.\(kind.name)") }

    /// What happened and what to do.
    public var message: String {
        switch kind {
        case .notRunning:
            return "The Redis subscriber for \(address) is not running; run it (it is a Service) before subscribing."
        case .timeout:
            return "Redis at \(address) did not confirm the subscription within \(timeout.map { "\($0)" } ?? "the timeout"); check that the server is reachable, or raise subscribeTimeout."
        default:
            return "A subscription needs at least one channel or pattern."
        }
    }
}
