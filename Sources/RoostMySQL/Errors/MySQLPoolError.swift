import RoostCore

/// A connection could not be leased from a ``MySQLConnectionPool``.
///
/// ```swift
/// catch let error as MySQLPoolError where error.kind == .timeout { return .serviceUnavailable }
/// ```
public struct MySQLPoolError: RoostError {
    /// Why no connection was leased.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// No connection became free within the lease timeout.
        public static let timeout = Kind(name: "timeout")
        /// The pool is not running (``MySQLConnectionPool/run()`` ended or never started).
        public static let shutdown = Kind(name: "shutdown")
        /// Connecting kept failing for longer than the circuit breaker allows.
        public static let unavailable = Kind(name: "unavailable")
        /// The kind's name, as used in the error code.
        public var description: String { name }
    }

    /// Why no connection was leased.
    public let kind: Kind
    /// The server address, `host:port`.
    public let address: String
    /// The lease timeout, for ``Kind/timeout``.
    public let timeout: Duration?
    /// The last connection error, for ``Kind/unavailable``.
    public let underlying: (any Error)?

    init(_ kind: Kind, address: String, timeout: Duration? = nil, underlying: (any Error)? = nil) {
        self.kind = kind
        self.address = address
        self.timeout = timeout
        self.underlying = underlying
    }

    /// `mysql.pool.timeout`, `mysql.pool.shutdown` or `mysql.pool.unavailable`.
    public var code: ErrorCode { ErrorCode(rawValue: "mysql.pool.\(kind.name)") }

    /// What happened and what to do.
    public var message: String {
        switch kind {
        case .timeout:
            return "No MySQL connection to \(address) became free within \(timeout.map { "\($0)" } ?? "the lease timeout"); raise maximumConnections or the lease timeout, or hold connections (and transactions) for less time."
        case .shutdown:
            return "The MySQL pool for \(address) is not running; run it (it is a Service) before leasing connections."
        default:
            return "Connecting to MySQL at \(address) has failed for too long; check that the server is up, reachable and accepts the configured user."
        }
    }
}
