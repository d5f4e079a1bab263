import Configuration

/// How to reach PostgreSQL, and the connection pool used by RoostSQL.
///
/// | key | environment | default |
/// |---|---|---|
/// | `postgres.url` | `ROOST_POSTGRES_URL` | `postgres://postgres@127.0.0.1:5432/app` |
/// | `postgres.poolMinimum` | `ROOST_POSTGRES_POOL_MINIMUM` | `0` |
/// | `postgres.poolMaximum` | `ROOST_POSTGRES_POOL_MAXIMUM` | `16` |
/// | `postgres.connectTimeoutSeconds` | `ROOST_POSTGRES_CONNECT_TIMEOUT_SECONDS` | `10` |
/// | `postgres.queryTimeoutSeconds` | `ROOST_POSTGRES_QUERY_TIMEOUT_SECONDS` | `30` |
///
/// The URL is `postgres://` (or `postgresql://`) with user, password, host, port and database. Its password is shown as `***` in every printout and error.
///
/// ```swift
/// let postgres = try configuration.read(PostgresSettings.init)
/// print(postgres.url, postgres.pool.maximumConnections)
/// ```
public struct PostgresSettings: ConfigurationSection {
    /// The server URL, such as `postgres://app:secret@db:5432/shop`.
    public var url: String
    /// Pool size and timeouts (`postgres.pool*`, `postgres.*TimeoutSeconds`).
    public var pool: ConnectionPoolSettings

    /// Creates settings directly.
    public init(url: String = "postgres://postgres@127.0.0.1:5432/app", pool: ConnectionPoolSettings = ConnectionPoolSettings()) {
        self.url = url
        self.pool = pool
    }

    /// Every key this section reads.
    public static let keys = ["postgres.url"] + ConnectionPoolSettings.keys(section: "postgres", operation: "query")

    /// These settings as text, by key, for printing (redact before showing: see
    /// ``RoostConfiguration/entries(for:builtIn:)``).
    public var textValues: [String: String] {
        pool.textValues(section: "postgres", operation: "query").merging(["postgres.url": url]) { _, new in new }
    }

    /// Reads and validates the `postgres` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let url = problems.serverURL(config, "postgres.url", schemes: ["postgres", "postgresql"], example: "postgres://app:secret@db:5432/shop") {
            self.url = url
        }
        pool = ConnectionPoolSettings(config: config, section: "postgres", operation: "query", problems: &problems)
        try problems.throwIfAny()
    }
}
