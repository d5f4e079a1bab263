import Foundation
import RoostTestSupport
import Testing

@testable import RoostMySQL

/// Serialized: the rollback checks read the server-wide `Com_rollback` counter.
@Suite("Transactions on the pool against the real server", .requires(.mysql), .serialized)
struct MySQLTransactionTests {
    struct Failure: Error {}

    /// Runs `body` with a pool of one connection and an empty InnoDB table, dropped afterwards.
    private func withTable(_ body: (MySQLConnectionPool, String) async throws -> Void) async throws {
        let table = "roost_pool_tx_\(UUID().uuidString.prefix(8).lowercased())"
        try await LivePool.withRunningPool(maximum: 1) { pool in
            try await pool.query("CREATE TABLE \(table) (id INT PRIMARY KEY) ENGINE=InnoDB")
            do {
                try await body(pool, table)
            } catch {
                try await pool.query("DROP TABLE \(table)")
                throw error
            }
            try await pool.query("DROP TABLE \(table)")
        }
    }

    /// The row count of `table`, read on a separate connection.
    private func count(_ table: String) async throws -> Int {
        try await LiveServer.withConnection { connection in
            try await connection.query("SELECT COUNT(*) AS n FROM \(table)").rows[0]["n"].decode(Int.self)
        }
    }

    /// How many ROLLBACK statements the server has run.
    private func rollbacks() async throws -> Int {
        try await LiveServer.withConnection { connection in
            let result = try await connection.query("SHOW GLOBAL STATUS LIKE 'Com_rollback'")
            return try result.rows[0][1].decode(Int.self)
        }
    }

    @Test("a transaction that returns is committed and visible to other sessions")
    func commit() async throws {
        try await withTable { pool, table in
            let value = try await pool.withTransaction { connection in
                try await connection.query("INSERT INTO \(table) VALUES (1), (2)")
                return "done"
            }
            #expect(value == "done")
            #expect(try await count(table) == 2)
        }
    }

    @Test("a transaction whose body throws is rolled back and the error rethrown")
    func rollbackOnThrow() async throws {
        try await withTable { pool, table in
            let before = try await rollbacks()
            await #expect(throws: Failure.self) {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO \(table) VALUES (1)")
                    throw Failure()
                }
            }
            #expect(try await rollbacks() > before)
            #expect(try await count(table) == 0)
            // A server error inside the transaction rolls back too, and the connection is reused.
            await #expect(throws: MySQLServerError.self) {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO \(table) VALUES (3)")
                    try await connection.query("INSERT INTO \(table) VALUES (3)")
                }
            }
            #expect(try await count(table) == 0)
        }
    }

    @Test("a transaction whose task is cancelled is rolled back")
    func rollbackOnCancellation() async throws {
        try await withTable { pool, table in
            let before = try await rollbacks()
            let (inserted, insertedContinuation) = AsyncStream.makeStream(of: Void.self)
            let (never, neverContinuation) = AsyncStream.makeStream(of: Void.self)
            let transaction = Task {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO \(table) VALUES (1)")
                    insertedContinuation.yield()
                    for await _ in never {}  // ends when the task is cancelled
                    try await connection.query("INSERT INTO \(table) VALUES (2)")
                }
            }
            for await _ in inserted { break }
            transaction.cancel()
            let outcome = await transaction.result
            neverContinuation.finish()
            guard case .failure(is CancellationError) = outcome else {
                Issue.record("expected CancellationError, got \(outcome)")
                return
            }
            #expect(try await rollbacks() > before)
            #expect(try await count(table) == 0)
            // The connection went back to the pool (it has only one).
            try await pool.withConnection(leaseTimeout: .seconds(5)) { try await $0.ping() }
        }
    }
}
