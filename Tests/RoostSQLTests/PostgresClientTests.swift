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
            // The server answers a terminated session's next statement with 57P01.
            try await database.expectRecoveryFromEndedSessions(on: .postgres) { admin, name in
                struct Killed: Decodable { var killed: Bool }
                let killed = try await admin.select(
                    "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = \(bind: name)",
                    as: Killed.self)
                #expect(killed.count == 2)
            }
        }
    }
}
