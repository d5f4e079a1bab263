import Configuration

/// Every section Roost components read, decoded together once at start-up.
///
/// Decoding collects the problems of **all** sections into one ``ConfigurationError``, each
/// with the layer that set the bad value, so one run shows everything there is to fix.
///
/// ```swift
/// let configuration = try await RoostConfiguration.load()
/// let settings = try RoostSettings(configuration: configuration)
/// let server = try await makeServer(host: settings.http.host, port: settings.http.port)
/// for entry in configuration.entries(for: RoostSettings.keys, builtIn: settings.textValues) {
///     print(entry)  // redis.url = redis://app:***@cache:6379/0  (environment)
/// }
/// ```
public struct RoostSettings: Sendable, Equatable {
    /// The HTTP server.
    public var http: HTTPSettings
    /// Log format and level.
    public var logging: LoggingSettings
    /// The database URL RoostSQL opens.
    public var database: DatabaseSettings
    /// The Redis server and pool.
    public var redis: RedisSettings
    /// The MySQL or MariaDB server and pool.
    public var mysql: MySQLSettings
    /// The PostgreSQL server and pool.
    public var postgres: PostgresSettings
    /// The embedded SQLite database.
    public var sqlite: SQLiteSettings
    /// The coordination engine.
    public var coordination: CoordinationSettings
    /// The time servers RoostNTP calibrates against.
    public var ntp: NTPSettings

    /// Every key of every section.
    public static let keys =
        HTTPSettings.keys + LoggingSettings.keys + DatabaseSettings.keys + RedisSettings.keys + MySQLSettings.keys
        + PostgresSettings.keys + SQLiteSettings.keys + CoordinationSettings.keys + NTPSettings.keys

    /// Creates settings with every section at its defaults.
    public init() {
        http = HTTPSettings()
        logging = LoggingSettings()
        database = DatabaseSettings()
        redis = RedisSettings()
        mysql = MySQLSettings()
        postgres = PostgresSettings()
        sqlite = SQLiteSettings()
        coordination = CoordinationSettings()
        ntp = NTPSettings()
    }

    /// All settings as text, by key, for printing.
    public var textValues: [String: String] {
        let sections: [[String: String]] = [
            http.textValues, logging.textValues, database.textValues, redis.textValues, mysql.textValues,
            postgres.textValues, sqlite.textValues, coordination.textValues, ntp.textValues,
        ]
        return sections.reduce(into: [:]) { all, section in all.merge(section) { _, new in new } }
    }

    /// Reads every section.
    ///
    /// - Throws: one ``ConfigurationError`` with the problems of all sections.
    public init(configuration: RoostConfiguration) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        func read<S: ConfigurationSection>(_ type: S.Type, into value: inout S) {
            do throws(ConfigurationError) {
                value = try S(config: configuration.reader)
            } catch {
                problems.merge(error)
            }
        }
        read(HTTPSettings.self, into: &http)
        read(LoggingSettings.self, into: &logging)
        read(DatabaseSettings.self, into: &database)
        read(RedisSettings.self, into: &redis)
        read(MySQLSettings.self, into: &mysql)
        read(PostgresSettings.self, into: &postgres)
        read(SQLiteSettings.self, into: &sqlite)
        read(CoordinationSettings.self, into: &coordination)
        read(NTPSettings.self, into: &ntp)
        do {
            try problems.throwIfAny()
        } catch {
            throw configuration.attributed(error)
        }
    }
}
