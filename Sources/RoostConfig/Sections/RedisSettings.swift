import Configuration

/// How to reach Redis, and the connection pool used by RoostRedis.
///
/// | key | environment | default |
/// |---|---|---|
/// | `redis.url` | `ROOST_REDIS_URL` | `redis://127.0.0.1:6379` |
/// | `redis.poolMinimum` | `ROOST_REDIS_POOL_MINIMUM` | `0` |
/// | `redis.poolMaximum` | `ROOST_REDIS_POOL_MAXIMUM` | `16` |
/// | `redis.poolShared` | `ROOST_REDIS_POOL_SHARED` | `2` |
/// | `redis.connectTimeoutSeconds` | `ROOST_REDIS_CONNECT_TIMEOUT_SECONDS` | `10` |
/// | `redis.commandTimeoutSeconds` | `ROOST_REDIS_COMMAND_TIMEOUT_SECONDS` | `30` |
///
/// The URL is `redis://` or, with TLS, `rediss://`; user, password and database number (`/0`) optional. Its password is shown as `***` in every printout and error.
/// `redis.poolShared` (0…10000) is how many of the pool's connections single commands
/// share, pipelined, among all callers (RoostRedis' `RedisPoolConfiguration.sharedConnections`);
/// `0` gives each command a connection of its own.
///
/// ```swift
/// let redis = try configuration.read(RedisSettings.init)
/// print(redis.url, redis.pool.maximumConnections)
/// ```
public struct RedisSettings: ConfigurationSection {
    /// The server URL, such as `redis://user:secret@cache:6379/0`.
    public var url: String
    /// Pool size and timeouts (`redis.pool*`, `redis.*TimeoutSeconds`).
    public var pool: ConnectionPoolSettings
    /// How many pooled connections single commands share (`redis.poolShared`).
    public var sharedConnections: Int

    /// Creates settings directly.
    public init(
        url: String = "redis://127.0.0.1:6379", pool: ConnectionPoolSettings = ConnectionPoolSettings(),
        sharedConnections: Int = 2
    ) {
        self.url = url
        self.pool = pool
        self.sharedConnections = sharedConnections
    }

    /// Every key this section reads.
    public static let keys =
        ["redis.url"] + ConnectionPoolSettings.keys(section: "redis", operation: "command") + ["redis.poolShared"]

    /// These settings as text, by key, for printing (redact before showing: see
    /// ``RoostConfiguration/entries(for:builtIn:)``).
    public var textValues: [String: String] {
        pool.textValues(section: "redis", operation: "command").merging([
            "redis.url": url, "redis.poolShared": String(sharedConnections),
        ]) { _, new in new }
    }

    /// Reads and validates the `redis` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let url = problems.serverURL(config, "redis.url", schemes: ["redis", "rediss"], example: "redis://user:secret@cache:6379/0") {
            self.url = url
        }
        pool = ConnectionPoolSettings(config: config, section: "redis", operation: "command", problems: &problems)
        if let shared = problems.integer(config, "redis.poolShared", in: 0...10_000) { sharedConnections = shared }
        try problems.throwIfAny()
    }
}
