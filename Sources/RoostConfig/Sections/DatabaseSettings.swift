import Configuration
import Foundation

/// Which database a program uses.
///
/// | key | flag | environment | default |
/// |---|---|---|---|
/// | `database.url` | `--database-url` | `ROOST_DATABASE_URL` | `sqlite://.roost/roost.db` |
///
/// The URL is checked by RoostSQL when it opens the database; printouts redact its password.
public struct DatabaseSettings: Sendable, Equatable {
    /// The database URL: `sqlite://file.db`, `sqlite::memory:`, `postgres://…`.
    public var url: String

    /// Every key this section reads.
    public static let keys = ["database.url"]

    /// Creates settings directly.
    public init(url: String = "sqlite://.roost/roost.db") {
        self.url = url
    }

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] { ["database.url": url] }

    /// Reads the `database` section.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let url = ProblemCollector.text(config, "database.url") {
            if url.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.report("database.url", url, expected: "a database URL such as sqlite://.roost/roost.db")
            } else {
                self.url = url
            }
        }
        try problems.throwIfAny()
    }
}
