/// Where a database is and how to connect to it, parsed from a URL.
///
/// Supported forms:
///
/// | URL | meaning |
/// |---|---|
/// | `sqlite:///var/lib/app/data.db` | SQLite file at an absolute path |
/// | `sqlite://data.db` | SQLite file relative to the working directory |
/// | `sqlite::memory:` | SQLite in memory |
/// | `postgres://user:pass@host:5432/db` | PostgreSQL (also `postgresql://`), port 5432 by default |
/// | `mysql://user:pass@host:3306/db` | MySQL (also `mariadb://`), port 3306 by default |
///
/// User, password and database name are percent-decoded, so a password containing `@`
/// is written `%40`. IPv6 hosts go in brackets: `postgres://[::1]/db`. Pool and TLS
/// options come from the query string: ``DatabaseOptions``.
///
/// Parsing is strict and reports every problem at once in a ``DatabaseURLError``.
/// ``description`` never shows the password.
///
/// ```swift
/// let url = try DatabaseURL("postgres://app:s%40cret@db.internal/orders?maxConnections=20&tls=require")
/// url.engine            // .postgres
/// url.password          // "s@cret"
/// url.port              // 5432
/// url.options.tls       // .require
/// print(url)            // postgres://app:***@db.internal:5432/orders?maxConnections=20&tls=require
/// ```
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The database engine.
    public enum Engine: String, Sendable, Hashable, CaseIterable {
        /// SQLite, embedded.
        case sqlite
        /// PostgreSQL.
        case postgres
        /// MySQL or MariaDB.
        case mysql

        /// The port used when the URL names none; nil for SQLite.
        public var defaultPort: Int? {
            switch self {
            case .sqlite: nil
            case .postgres: 5432
            case .mysql: 3306
            }
        }
    }

    /// Where the data lives.
    public enum Location: Sendable, Hashable {
        /// A SQLite database in memory.
        case sqliteMemory
        /// A SQLite database file, absolute or relative to the working directory.
        case sqliteFile(path: String)
        /// A database server.
        case server(ServerAddress)
    }

    /// How to reach and log in to a database server.
    public struct ServerAddress: Sendable, Hashable {
        /// The host name or IP address (IPv6 without brackets).
        public var host: String
        /// The port; the engine's default when the URL names none.
        public var port: Int
        /// The user name, if given.
        public var username: String?
        /// The password, if given.
        public var password: String?
        /// The database name, if given.
        public var database: String?

        /// Creates a server address.
        public init(host: String, port: Int, username: String? = nil, password: String? = nil, database: String? = nil) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }
    }

    /// The engine.
    public var engine: Engine
    /// Where the data lives.
    public var location: Location
    /// Pool and TLS options.
    public var options: DatabaseOptions

    /// Creates a database URL from its parts.
    public init(engine: Engine, location: Location, options: DatabaseOptions = DatabaseOptions()) {
        self.engine = engine
        self.location = location
        self.options = options
    }

    /// Parses `string`.
    ///
    /// - Throws: ``DatabaseURLError`` listing every problem found.
    public init(_ string: String) throws {
        var parser = DatabaseURLParser(string)
        guard let parsed = parser.parse(), parser.problems.isEmpty else {
            throw DatabaseURLError(problems: parser.problems)
        }
        self = parsed
    }

    /// The server address; nil for SQLite.
    public var server: ServerAddress? {
        if case .server(let address) = location { return address }
        return nil
    }

    /// The server's host; nil for SQLite.
    public var host: String? { server?.host }
    /// The server's port; nil for SQLite.
    public var port: Int? { server?.port }
    /// The user name; nil for SQLite or when not given.
    public var username: String? { server?.username }
    /// The password; nil for SQLite or when not given.
    public var password: String? { server?.password }
    /// The database name; nil for SQLite or when not given.
    public var database: String? { server?.database }

    /// The URL in canonical form with the password replaced by `***`, safe to log.
    public var description: String {
        var text = "\(engine.rawValue):"
        switch location {
        case .sqliteMemory:
            text += ":memory:"
        case .sqliteFile(let path):
            text += "//" + PercentEncoding.encode(path, keeping: PercentEncoding.pathCharacters)
        case .server(let address):
            text += "//"
            if let username = address.username {
                text += PercentEncoding.encode(username, keeping: PercentEncoding.userCharacters)
                if address.password != nil { text += ":***" }
                text += "@"
            }
            text += address.host.contains(":") ? "[\(address.host)]" : address.host
            text += ":\(address.port)"
            if let database = address.database {
                text += "/" + PercentEncoding.encode(database, keeping: PercentEncoding.userCharacters)
            }
        }
        let query = options.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        if !query.isEmpty { text += "?" + query }
        return text
    }
}
