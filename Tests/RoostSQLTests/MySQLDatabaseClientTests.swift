import RoostSQL
import RoostTestSupport
import SQLKit
import Testing

/// Behaviour specific to a MySQL or MariaDB server.
@Suite(.requires(.mysql)) struct MySQLDatabaseClientTests {
    @Test func missingDatabase() async throws {
        let url = try DatabaseURL(TestServer.mysql.url().absoluteString).changingAddress { $0.database = "roost_no_such_database" }
        let error = try await #require(throws: DatabaseError.self) { _ = try await DatabaseClient.open(url) }
        #expect(error.kind == .connectionFailed)
        #expect(error.engineMessage?.contains("roost_no_such_database") == true)
    }

    @Test func wrongPassword() async throws {
        let url = try DatabaseURL(TestServer.mysql.url().absoluteString).changingAddress { $0.password = "not-the-password" }
        let error = try await #require(throws: DatabaseError.self) { _ = try await DatabaseClient.open(url) }
        #expect(error.kind == .connectionFailed)
        #expect(!error.message.contains("not-the-password"))
    }

    @Test func tlsRequiredButNotOffered() async throws {
        // The shared server runs without certificates, so it offers no TLS.
        var url = try DatabaseURL(TestServer.mysql.url().absoluteString)
        url.options.tls = .require
        let error = try await #require(throws: DatabaseError.self) { _ = try await DatabaseClient.open(url) }
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("TLS is required but the server does not offer it"))
    }

    @Test func tlsPreferredFallsBackToPlainText() async throws {
        var url = try DatabaseURL(TestServer.mysql.url().absoluteString)
        url.options.tls = .prefer
        let db = try await TestDatabase.openPatiently(url)
        struct Status: Decodable {
            var value: String
            enum CodingKeys: String, CodingKey { case value = "Value" }
        }
        let rows = try await db.select("SHOW STATUS LIKE 'Ssl_cipher'", as: Status.self)
        #expect(rows.map(\.value) == [""])
        try await db.close()
    }

    @Test func updateCountsMatchedRows() async throws {
        try await TestDatabase.with(.mysql) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                try await db.insert(into: "items", Item(name: "apple", qty: 3))
                // The value does not change; like PostgreSQL and SQLite, the row still counts.
                #expect(try await db.update("items", set: ["qty": 3], where: "name = \(bind: "apple")") == 1)
            }
        }
    }

    @Test func connectionLoss() async throws {
        try await TestDatabase.with(.mysql) { database in
            try await database.expectRecoveryFromEndedSessions(on: .mysql) { admin, name in
                struct Process: Decodable { var id: Int64 }
                let processes = try await admin.select(
                    "SELECT id FROM information_schema.processlist WHERE db = \(bind: name)", as: Process.self)
                #expect(processes.count >= 2)
                for process in processes { try await admin.execute("KILL \(literal: Int(process.id))") }
            }
        }
    }
}
