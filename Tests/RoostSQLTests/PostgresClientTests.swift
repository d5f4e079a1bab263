import RoostSQL
import RoostTestSupport
import SQLKit
import Testing

/// Behaviour specific to a PostgreSQL server.
@Suite(.requires(.postgres)) struct PostgresClientTests {
    @Test func missingDatabase() async throws {
        let url = try DatabaseURL(TestServer.postgres.url().absoluteString).changingAddress { $0.database = "roost_no_such_database" }
        let error = try await #require(throws: DatabaseError.self) { _ = try await DatabaseClient.open(url) }
        #expect(error.kind == .connectionFailed)
        #expect(error.engineMessage?.contains("roost_no_such_database") == true)
    }

    @Test func connectionLoss() async throws {
        try await TestDatabase.with(.postgres) { database in
            var url = database.url
            url.options.minConnections = 2
            url.options.maxConnections = 2
            let db = try await DatabaseClient.open(url)
            try await db.execute("CREATE TABLE t (id INTEGER)")
            let admin = try await DatabaseClient.open(try DatabaseURL(TestServer.postgres.url().absoluteString))
            struct Killed: Decodable { var killed: Bool }
            let killed = try await admin.select(
                "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = \(bind: database.url.database ?? "")",
                as: Killed.self)
            #expect(killed.count == 2)
            try await admin.close()
            // A statement may still meet one of the two terminated connections before the
            // pool has seen it close (the server's 57P01 answers it); at most those two fail.
            var failures = 0
            while failures < 2, (try? await db.count(from: "t")) == nil { failures += 1 }
            for _ in 0..<4 {
                #expect(try await db.count(from: "t") == 0)
            }
            try await db.close()
        }
    }
}
