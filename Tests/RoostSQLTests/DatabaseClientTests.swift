import Foundation
import Logging
import RoostSQL
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DatabaseClientTests {
    /// A loopback port with nothing listening: bound, then released.
    private func closedPort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(socketFD, raw, length) == 0, getsockname(socketFD, raw, &length) == 0 else {
                    throw POSIXError(.EADDRINUSE)
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func connectionRefused() async throws {
        let port = try closedPort()
        let error = try await #require(throws: DatabaseError.self) {
            _ = try await DatabaseClient.open("postgres://roost:secret@127.0.0.1:\(port)/app?connectTimeout=2&tls=disable")
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.code == "sql.connection.failed")
        #expect(error.message.contains("127.0.0.1:\(port)"))
        #expect(!error.message.contains("secret"))
    }

    @Test func unopenableSQLiteFile() async throws {
        let error = try await #require(throws: DatabaseError.self) {
            _ = try await DatabaseClient.open("sqlite:///nonexistent-roost-dir/sub/app.db")
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("/nonexistent-roost-dir/sub/app.db"))
    }

    @Test func badURL() async throws {
        await #expect(throws: DatabaseURLError(problems: [.invalidPort("99999")])) {
            _ = try await DatabaseClient.open("postgres://db:99999/app")
        }
        await #expect(throws: DatabaseURLError(problems: [.invalidOptionValue(option: "readOnly", value: "maybe", expected: "true or false")])) {
            _ = try await DatabaseClient.open("sqlite::memory:?readOnly=maybe")
        }
    }

    @Test func mysqlConnectionRefused() async throws {
        let port = try closedPort()
        let error = try await #require(throws: DatabaseError.self) {
            _ = try await DatabaseClient.open("mysql://roost:secret@127.0.0.1:\(port)/app?connectTimeout=2")
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("127.0.0.1:\(port)"))
        #expect(!error.message.contains("secret"))
    }

    @Test func gracefulShutdownClosesThePool() async throws {
        let db = try await DatabaseClient.open("sqlite::memory:")
        let group = ServiceGroup(configuration: .init(services: [.init(service: db)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await db.check()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let error = try await #require(throws: DatabaseError.self) { try await db.check() }
        #expect(error.kind == .closed)
        #expect(error.code == "sql.closed")
    }

    @Test func memoryDatabase() async throws {
        // A memory database has one connection, whatever minConnections asks for.
        let db = try await DatabaseClient.open("sqlite::memory:?minConnections=3")
        try await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        let id = try await db.insert(into: "notes", ["body": "hello"])
        #expect(id == 1)
        try await db.withTransaction { tx in
            try await tx.insert(into: "notes", ["body": "inside"])
            #expect(try await db.count(from: "notes") == 2)
        }
        #expect(try await db.count(from: "notes") == 2)
        #expect(db.engine == .sqlite && !db.isReadOnly)
        try await db.close()
        try await db.close()
    }

    @Test func releasedWithoutCloseShutsDownItsPool() async throws {
        // The pool would trap in debug builds if it were released without shutting down.
        for _ in 0..<3 {
            let db = try await DatabaseClient.open("sqlite::memory:")
            try await db.check()
        }
    }

    @Test func sqlitePragmas() async throws {
        try await TestDatabase.with(.sqlite) { database in
            // Opened with the defaults (the test helper's clients wait longer for locks).
            let db = try await DatabaseClient.open(database.url)
            #expect(try await db.find("PRAGMA journal_mode", as: Mode.self)?.journal_mode == "wal")
            #expect(try await db.find("PRAGMA foreign_keys", as: Keys.self)?.foreign_keys == 1)
            #expect(try await db.find("PRAGMA busy_timeout", as: Timeout.self)?.timeout == 5_000)
            try await db.close()
        }
    }

    @Test func duplicateMigrationVersions() async throws {
        let db = try await DatabaseClient.open("sqlite::memory:")
        let error = try #require(throws: DatabaseError.self) {
            _ = try DatabaseMigrator(client: db, migrations: [Migration(1, "a", sql: "SELECT 1"), Migration(1, "b", sql: "SELECT 1")])
        }
        #expect(error.kind == .migrationFailed)
        #expect(throws: DatabaseError.self) {
            _ = try DatabaseMigrator(client: db, migrations: [Migration(0, "zero", sql: "SELECT 1")])
        }
        try await db.close()
    }
}

private struct Mode: Decodable { var journal_mode: String }
private struct Keys: Decodable { var foreign_keys: Int }
private struct Timeout: Decodable { var timeout: Int }
