/// How a ``RedisConnectionPool`` sizes and maintains its connections.
///
/// ```swift
/// var configuration = RedisPoolConfiguration(connection: try RedisConnectionConfiguration(url: "redis://localhost"))
/// configuration.minimumConnections = 2
/// configuration.maximumConnections = 32
/// ```
public struct RedisPoolConfiguration: Sendable {
    /// How each connection is opened.
    public var connection: RedisConnectionConfiguration
    /// Connections kept open even when idle. Default 0.
    public var minimumConnections: Int
    /// The most connections open at once. Default 16.
    public var maximumConnections: Int
    /// How long an idle connection above the minimum stays open. Default 60 seconds.
    public var idleTimeout: Duration
    /// How often an idle connection is checked with `PING`; `nil` never. Default 30 seconds.
    public var keepAliveFrequency: Duration?
    /// How long ``RedisConnectionPool/withConnection(_:)`` waits for a free connection
    /// before throwing ``RedisPoolError`` of kind ``RedisPoolError/Kind/timeout``.
    /// Default 10 seconds.
    public var leaseTimeout: Duration
    /// How many connections ``RedisConnectionPool/send(_:timeout:)`` and
    /// ``RedisConnectionPool/pipeline(_:timeout:)`` share among all their callers; 0 gives
    /// every call a connection of its own for its round trip. They
    /// count towards ``maximumConnections``, of which at least one is always left for
    /// ``RedisConnectionPool/withConnection(leaseTimeout:_:)``; the pool's gauges count
    /// them as in use. Default 2.
    ///
    /// Sharing pipelines the commands of concurrent callers, so the server reads and
    /// answers many of them per system call: with 50 tasks sending single commands it
    /// about doubles the throughput of a connection per task. Raise it when one core no
    /// longer keeps up with the connections' replies.
    public var sharedConnections: Int
    /// How long connecting may keep failing before leases fail at once with
    /// ``RedisPoolError/Kind/unavailable`` instead of waiting. Default 60 seconds.
    public var circuitBreakerTripAfter: Duration

    /// Creates a pool configuration with defaults for everything but the connection.
    public init(connection: RedisConnectionConfiguration) {
        self.connection = connection
        self.minimumConnections = 0
        self.maximumConnections = 16
        self.idleTimeout = .seconds(60)
        self.keepAliveFrequency = .seconds(30)
        self.leaseTimeout = .seconds(10)
        self.circuitBreakerTripAfter = .seconds(60)
        self.sharedConnections = 2
    }
}
