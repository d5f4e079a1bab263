import Configuration

/// How to reach MySQL or MariaDB, and the connection pool used by RoostMySQL and RoostSQL.
///
/// | key | environment | default |
/// |---|---|---|
/// | `mysql.url` | `ROOST_MYSQL_URL` | `mysql://root@127.0.0.1:3306/app` |
/// | `mysql.poolMinimum` | `ROOST_MYSQL_POOL_MINIMUM` | `0` |
/// | `mysql.poolMaximum` | `ROOST_MYSQL_POOL_MAXIMUM` | `16` |
/// | `mysql.connectTimeoutSeconds` | `ROOST_MYSQL_CONNECT_TIMEOUT_SECONDS` | `10` |
/// | `mysql.queryTimeoutSeconds` | `ROOST_MYSQL_QUERY_TIMEOUT_SECONDS` | `30` |
///
/// The URL is `mysql://` (or `mariadb://`) with user, password, host, port and database. Its password is shown as `***` in every printout and error.
///
/// ```swift
/// let mysql = try configuration.read(MySQLSettings.init)
/// print(mysql.url, mysql.pool.maximumConnections)
/// ```
public struct MySQLSettings: ConfigurationSection {
    /// The server URL, such as `mysql://app:secret@db:3306/shop`.
    public var url: String
    /// Pool size and timeouts (`mysql.pool*`, `mysql.*TimeoutSeconds`).
    public var pool: ConnectionPoolSettings

    /// Creates settings directly.
    public init(url: String = "mysql://root@127.0.0.1:3306/app", pool: ConnectionPoolSettings = ConnectionPoolSettings()) {
        self.url = url
        self.pool = pool
    }

    /// Every key this section reads.
    public static let keys = ["mysql.url"] + ConnectionPoolSettings.keys(section: "mysql", operation: "query")

    /// These settings as text, by key, for printing (redact before showing: see
    /// ``RoostConfiguration/entries(for:builtIn:)``).
    public var textValues: [String: String] {
        pool.textValues(section: "mysql", operation: "query").merging(["mysql.url": url]) { _, new in new }
    }

    /// Reads and validates the `mysql` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let url = problems.serverURL(config, "mysql.url", schemes: ["mysql", "mariadb"], example: "mysql://app:secret@db:3306/shop") {
            self.url = url
        }
        pool = ConnectionPoolSettings(config: config, section: "mysql", operation: "query", problems: &problems)
        try problems.throwIfAny()
    }
}
