import Foundation
import RoostSQL
import RoostTestSupport
import SQLKit
import Testing

/// A fresh, empty database for one test: a SQLite file in a new temporary directory, or
/// a new database on the PostgreSQL or MariaDB server from `ROOST_TEST_POSTGRES_URL` or
/// `ROOST_TEST_MYSQL_URL`.
struct TestDatabase: Sendable {
    let engine: DatabaseURL.Engine
    let url: DatabaseURL
    private let cleanup: @Sendable () async throws -> Void

    /// Runs `body` with a fresh database of `engine`, removed afterwards.
    static func with<R>(_ engine: DatabaseURL.Engine, _ body: (TestDatabase) async throws -> R) async throws -> R {
        let database = try await make(engine)
        do {
            let result = try await body(database)
            try await database.cleanup()
            return result
        } catch {
            try await database.cleanup()
            throw error
        }
    }

    private static func make(_ engine: DatabaseURL.Engine) async throws -> TestDatabase {
        let name = "roost_t_\(UUID().uuidString.prefix(8).lowercased())"
        switch engine {
        case .postgres, .mysql:
            let server: TestServer = engine == .postgres ? .postgres : .mysql
            let serverURL = try DatabaseURL(server.url().absoluteString)
            let admin = try await Self.openAdmin(serverURL)
            if engine == .mysql {
                try await admin.execute("CREATE DATABASE \(ident: name) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            } else {
                try await admin.execute("CREATE DATABASE \(ident: name)")
            }
            try await admin.close()
            let url = serverURL.changingAddress { $0.database = name }
            return TestDatabase(engine: engine, url: url) {
                let admin = try await Self.openAdmin(serverURL)
                if engine == .mysql {
                    try await admin.execute("DROP DATABASE \(ident: name)")
                } else {
                    try await admin.execute("DROP DATABASE \(ident: name) WITH (FORCE)")
                }
                try await admin.close()
            }
        default:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = DatabaseURL(
                engine: .sqlite, location: .sqliteFile(path: directory.appendingPathComponent("test.db").path))
            return TestDatabase(engine: engine, url: url) { try FileManager.default.removeItem(at: directory) }
        }
    }

    /// A client on the server's own database, to create and drop test databases.
    static func openAdmin(_ url: DatabaseURL) async throws -> DatabaseClient {
        try await openPatiently(url)
    }

    /// Opens a client that waits up to 60 s to connect and to lease a connection. Many
    /// tests open clients at once; on a loaded 2-core runner a new PostgreSQL backend
    /// (fork and SCRAM) or MariaDB session can take longer than the default 10 s, which is
    /// not what these tests are about.
    static func openPatiently(
        _ url: DatabaseURL, readOnly: Bool = false,
        _ configure: (inout DatabaseClient.Configuration) -> Void = { _ in }
    ) async throws -> DatabaseClient {
        try await DatabaseClient.open(url, readOnly: readOnly) { configuration in
            configuration.connectTimeout = .seconds(60)
            configuration.poolTimeout = .seconds(60)
            configure(&configuration)
        }
    }

    /// The URL as text with its password, for another process (``DatabaseURL/description`` hides it).
    var unredactedURL: String {
        guard case .server(let address) = url.location else { return url.description }
        let password = address.password.map { ":\($0)" } ?? ""
        let user = address.username.map { "\($0)\(password)@" } ?? ""
        return "\(url.engine.rawValue)://\(user)\(address.host):\(address.port)/\(address.database ?? "")"
    }

    /// Opens a client on the database.
    func open(readOnly: Bool = false, maxConnections: Int? = nil, poolTimeout: Duration = .seconds(60)) async throws
        -> DatabaseClient
    {
        try await Self.openPatiently(url, readOnly: readOnly) { configuration in
            if let maxConnections { configuration.maxConnections = maxConnections }
            // A loaded runner can hold SQLite's write lock for seconds; the contract is
            // about exact results, not about how long a writer waits.
            configuration.busyTimeout = .seconds(120)
            configuration.poolTimeout = poolTimeout
        }
    }

    /// Opens a client, runs `body`, and closes the client.
    func withClient<R>(readOnly: Bool = false, _ body: (DatabaseClient) async throws -> R) async throws -> R {
        let client = try await open(readOnly: readOnly)
        do {
            let result = try await body(client)
            try await client.close()
            return result
        } catch {
            try await client.close()
            throw error
        }
    }

    /// The column type of an auto-generated integer primary key.
    var serialKey: String {
        switch engine {
        case .postgres: "BIGSERIAL PRIMARY KEY"
        case .mysql: "BIGINT AUTO_INCREMENT PRIMARY KEY"
        case .sqlite: "INTEGER PRIMARY KEY"
        }
    }

    /// The column type of a text column with a unique index: on MySQL a `VARCHAR`, since
    /// MariaDB indexes a unique `TEXT` through a hash whose duplicate checks deadlock
    /// concurrent inserts.
    var uniqueText: String { engine == .mysql ? "VARCHAR(255)" : "TEXT" }

    /// The `items` table used by several tests.
    var itemsTable: String {
        "CREATE TABLE items (id \(serialKey), name \(uniqueText) NOT NULL UNIQUE, qty INTEGER, note TEXT)"
    }

    /// Creates the `items` table used by several tests.
    func createItems(_ client: DatabaseClient) async throws {
        let ddl = itemsTable
        try await client.execute(SQLQueryString(ddl))
    }
}

/// A row of the `items` table.
struct Item: Codable, Sendable, Equatable {
    var id: Int64?
    var name: String
    var qty: Int?
    var note: String?
}

extension DatabaseURL {
    /// This URL with its server address changed by `change` (a file URL is returned as is).
    func changingAddress(_ change: (inout ServerAddress) -> Void) -> DatabaseURL {
        var url = self
        if case .server(var address) = url.location {
            change(&address)
            url.location = .server(address)
        }
        return url
    }
}

extension TestDatabase {
    /// Opens a client of two connections, lets `endSessions` end both of its server
    /// sessions from an admin client on `server` (given the database's name), and checks
    /// that the client recovers: a statement may still meet one of the two dead
    /// connections before the pool has seen it close, so at most two fail; then every
    /// statement succeeds.
    func expectRecoveryFromEndedSessions(
        on server: TestServer, _ endSessions: (DatabaseClient, String) async throws -> Void
    ) async throws {
        var url = url
        url.options.minConnections = 2
        url.options.maxConnections = 2
        let db = try await Self.openPatiently(url)
        try await db.execute("CREATE TABLE t (id INTEGER)")
        let admin = try await Self.openAdmin(try DatabaseURL(server.url().absoluteString))
        try await endSessions(admin, url.database ?? "")
        try await admin.close()
        var failures = 0
        while failures < 2, (try? await db.count(from: "t")) == nil { failures += 1 }
        for _ in 0..<4 {
            #expect(try await db.count(from: "t") == 0)
        }
        try await db.close()
    }
}
