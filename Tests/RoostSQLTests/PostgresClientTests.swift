import Foundation
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
        let connection = try await connectDirectly()
        try await connection.close()
        let gate = PostgresStatementGate(base: connection.sql(), connection: connection)
        let error = await #expect(throws: DatabaseError.self) { try await gate.execute(sql: SQLRaw("SELECT 1")) { _ in } }
        #expect(error?.kind == .connectionFailed && error?.message.contains("before the statement was sent") == true)
    }

    /// The fast row decodes what postgres-kit's row decodes, to the same values, and
    /// fails where it fails, with its error.
    @Test func fastRowDecodesAsPostgresKitDoes() async throws {
        let connection = try await connectDirectly()
        let rows = try await connection.query(
            """
            SELECT 9000000000::int8 AS big, 12::int2 AS small, 34::int4 AS medium, 'häj ✓'::text AS text,
                'v'::varchar AS short, true AS flag, 'b7a6e0a4-2c57-4d53-9f8a-0d7d39b5c8a1'::uuid AS id,
                NULL::int8 AS missing, 1.5::numeric AS decimal
            """, logger: Logger(label: "roost.test")
        ).get().rows
        try await connection.close()
        let row = try #require(rows.first)
        let (fast, kit) = (PostgresFastRow(row), row.sql())
        func same<T: Decodable & Equatable>(_ column: String, _ type: T.Type) throws {
            #expect(try fast.decode(column: column, as: type) == kit.decode(column: column, as: type))
        }
        try same("big", Int64.self)
        try same("big", Int.self)
        try same("small", Int64.self)
        try same("medium", Int32.self)
        try same("medium", Int.self)
        try same("text", String.self)
        try same("short", String.self)
        try same("flag", Bool.self)
        try same("id", UUID.self)
        try same("id", String.self)
        try same("decimal", Double.self)
        try same("missing", Int64?.self)
        #expect(try fast.decodeNil(column: "missing") && kit.decodeNil(column: "missing"))
        #expect(fast.allColumns == kit.allColumns)
        #expect(!fast.contains(column: "absent"))
        // Failures come from postgres-kit's row, so they are its errors.
        for (column, decode) in [
            ("text", { try fast.decode(column: "text", as: Int64.self) }),
            ("missing", { try fast.decode(column: "missing", as: Int64.self) }),
            ("absent", { try fast.decode(column: "absent", as: Int64.self) }),
        ] as [(String, () throws -> Int64)] {
            let fastError = #expect(throws: (any Error).self, "\(column)") { try decode() }
            let kitError = #expect(throws: (any Error).self) { try kit.decode(column: column, as: Int64.self) }
            #expect(String(reflecting: fastError) == String(reflecting: kitError))
        }
    }

    /// A server that goes away: statements fail with a connection error (not a hang, not a
    /// pool-size complaint); once it is back, the pool opens new connections by itself.
    @Test(.timeLimit(.minutes(3))) func serverGoneAndBack() async throws {
        let server = try await PostgresServerProcess()
        do {
            // The default pool timeout (10 s): a first connection can take seconds while the
            // whole suite runs beside this test.
            let db = try await DatabaseClient.open(server.url) { $0.maxConnections = 2 }
            try await db.check()
            try await server.stop()
            // The first statement finds the pool's connection ended; the second waits for one
            // the pool cannot open, and says why.
            for attempt in 1...2 {
                let error = try await #require(throws: DatabaseError.self) { try await db.check() }
                #expect(error.kind == .connectionFailed, "attempt \(attempt): \(error)")
                if attempt == 2 { #expect(error.message.contains("127.0.0.1:\(server.port)"), "\(error)") }
            }
            try await server.start()
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                do {
                    try await db.check()
                    break
                } catch where ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            try await db.close()
        } catch {
            await server.remove()
            throw error
        }
        await server.remove()
    }

    /// A postgres-nio connection of its own to the test server, outside any pool.
    private func connectDirectly() async throws -> PostgresConnection {
        let server = try #require(try DatabaseURL(TestServer.postgres.url().absoluteString).server)
        return try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: server.host, port: server.port, username: server.username ?? "postgres",
                password: server.password, database: server.database, tls: .disable),
            id: 1, logger: Logger(label: "roost.test"))
    }
}
