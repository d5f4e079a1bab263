/// How a ``MySQLConnectionPool`` sizes and maintains its connections.
///
/// ```swift
/// var configuration = MySQLPoolConfiguration(connection: try MySQLConfiguration(url: "mysql://app:secret@127.0.0.1/shop"))
/// configuration.minimumConnections = 2
/// configuration.maximumConnections = 32
/// configuration.maximumLifetime = .seconds(1800)
/// ```
public struct MySQLPoolConfiguration: Sendable {
    /// How each connection is opened.
    public var connection: MySQLConfiguration
    /// Connections kept open even when idle. Default 0.
    public var minimumConnections: Int
    /// The most connections open at once. Default 16.
    public var maximumConnections: Int
    /// How long an idle connection above the minimum stays open. Default 60 seconds.
    public var idleTimeout: Duration
    /// How often an idle connection is checked with `COM_PING`; `nil` never. Default 30 seconds.
    public var keepAliveFrequency: Duration?
    /// How long a connection may live before it is closed and replaced; `nil` forever.
    ///
    /// A connection past its lifetime is closed when it is returned to the pool, or at its
    /// next keep-alive check while idle. Keep it below the server's `wait_timeout`. Default `nil`.
    public var maximumLifetime: Duration?
    /// How long ``MySQLConnectionPool/withConnection(leaseTimeout:onEventLoop:_:)`` waits for a free
    /// connection before throwing ``MySQLPoolError`` of kind ``MySQLPoolError/Kind/timeout``.
    /// Default 10 seconds.
    public var leaseTimeout: Duration
    /// How long connecting may keep failing before leases fail at once with
    /// ``MySQLPoolError/Kind/unavailable`` instead of waiting. Default 60 seconds.
    public var circuitBreakerTripAfter: Duration

    /// Whether a connection is reset (`COM_RESET_CONNECTION`) when it is returned, so
    /// session variables, temporary tables, named locks, an open transaction and prepared
    /// statements never reach the next lease. Default true.
    ///
    /// Turn it off only when every lease leaves its session clean (a layer above that
    /// rolls back its own transactions, as RoostSQL does): a reset costs a round trip per
    /// lease and drops the cached prepared statements.
    public var resetsReturnedConnections: Bool

    /// Creates a pool configuration with defaults for everything but the connection.
    public init(connection: MySQLConfiguration) {
        self.connection = connection
        self.minimumConnections = 0
        self.maximumConnections = 16
        self.idleTimeout = .seconds(60)
        self.keepAliveFrequency = .seconds(30)
        self.maximumLifetime = nil
        self.leaseTimeout = .seconds(10)
        self.circuitBreakerTripAfter = .seconds(60)
        self.resetsReturnedConnections = true
    }
}
