import Logging

extension DatabaseClient {
    /// How a ``DatabaseClient`` connects and pools, filled from the URL's query options
    /// and adjustable in code.
    ///
    /// ```swift
    /// let db = try await DatabaseClient.open(url) { config in
    ///     config.busyTimeout = .seconds(10)
    ///     config.queryLogLevel = .trace
    /// }
    /// ```
    public struct Configuration: Sendable {
        /// The most connections in the pool; nil picks 4 for a SQLite file and 10 for a
        /// server. `sqlite::memory:` always has exactly one.
        public var maxConnections: Int?
        /// How many connections to open up front and keep; nil means one.
        public var minConnections: Int?
        /// How long opening a server connection may take.
        public var connectTimeout: Duration
        /// How long to wait for a free pooled connection.
        public var poolTimeout: Duration
        /// How long a SQLite writer waits for another writer's lock before failing.
        public var busyTimeout: Duration
        /// How server connections use TLS.
        public var tls: DatabaseOptions.TLSMode
        /// Whether writes are refused.
        public var readOnly: Bool
        /// The level at which each statement is logged; nil logs none.
        public var queryLogLevel: Logger.Level?

        /// Settings from `url`'s options, with defaults for what it does not say.
        public init(url: DatabaseURL) {
            maxConnections = url.options.maxConnections
            minConnections = url.options.minConnections
            connectTimeout = url.options.connectTimeout ?? .seconds(10)
            poolTimeout = .seconds(10)
            busyTimeout = .seconds(5)
            tls = url.options.tls ?? .prefer
            readOnly = url.options.readOnly ?? false
            queryLogLevel = .debug
        }
    }
}
