import Configuration

/// Where the embedded SQLite database lives.
///
/// | key | environment | default |
/// |---|---|---|
/// | `sqlite.path` | `ROOST_SQLITE_PATH` | `.roost/roost.db` |
/// | `sqlite.busyTimeoutSeconds` | `ROOST_SQLITE_BUSY_TIMEOUT_SECONDS` | `5` |
///
/// `:memory:` keeps the database in memory (gone when the process ends).
///
/// ```swift
/// let sqlite = try configuration.read(SQLiteSettings.init)
/// ```
public struct SQLiteSettings: ConfigurationSection {
    /// The database file, or `:memory:`.
    public var path: String
    /// How long a writer waits for another connection's lock before failing.
    public var busyTimeoutSeconds: Double

    /// Creates settings directly.
    public init(path: String = ".roost/roost.db", busyTimeoutSeconds: Double = 5) {
        self.path = path
        self.busyTimeoutSeconds = busyTimeoutSeconds
    }

    /// Every key this section reads.
    public static let keys = ["sqlite.path", "sqlite.busyTimeoutSeconds"]

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        ["sqlite.path": path, "sqlite.busyTimeoutSeconds": String(busyTimeoutSeconds)]
    }

    /// Reads and validates the `sqlite` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let path = ProblemCollector.text(config, "sqlite.path") {
            if path.trimmingCharacters(in: .whitespaces).isEmpty || path.hasSuffix("/") || path.contains("\0") {
                problems.report("sqlite.path", path, expected: "a file path such as .roost/roost.db, or :memory:")
            } else {
                self.path = path
            }
        }
        if let seconds = problems.number(config, "sqlite.busyTimeoutSeconds", in: 0...3_600) {
            busyTimeoutSeconds = seconds
        }
        try problems.throwIfAny()
    }
}
