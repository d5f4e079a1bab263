import Logging
import NIOPosix
import PostgresKit
import RoostTestSupport
import SQLKit
import Testing

@testable import RoostSQL

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

    /// postgres-nio loses a statement written after its channel closed; the gate must
    /// fail it at once instead (the pool can hand out a connection the server ends a
    /// moment later).
    @Test(.timeLimit(.minutes(1))) func statementAfterTheConnectionClosedFailsAtOnce() async throws {
        let server = try #require(try DatabaseURL(TestServer.postgres.url().absoluteString).server)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: server.host, port: server.port, username: server.username ?? "postgres",
                password: server.password, database: server.database, tls: .disable),
            id: 1, logger: Logger(label: "roost.test"))
        try await connection.close()
        let gate = PostgresStatementGate(base: connection.sql(), connection: connection)
        let error = await #expect(throws: DatabaseError.self) { try await gate.execute(sql: SQLRaw("SELECT 1")) { _ in } }
        #expect(error?.kind == .connectionFailed && error?.message.contains("before the statement was sent") == true)
    }
}
