import Foundation
import Testing
import RoostTestSupport

@testable import RoostMySQL

/// The same server plays primary and (read-only) replica.
@Suite("Read/write split against the real server", .requires(.mysql))
struct MySQLClientTests {
    static func withClient<Result: Sendable>(
        replicas: Int = 2, _ body: (MySQLClient) async throws -> Result
    ) async throws -> Result {
        let primary = try LivePool.configuration(maximum: 4)
        var replica = primary
        replica.connection.readOnly = true
        let client = MySQLClient(primary: primary, replicas: Array(repeating: replica, count: replicas))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    @Test func readsGoToReplicasAndWritesToPrimary() async throws {
        try await Self.withClient { client in
            let table = "roost_split_\(UInt32.random(in: 0...UInt32.max))"
            try await client.query("CREATE TABLE \(table) (id INT PRIMARY KEY, v VARCHAR(20))")
            do {
                try await client.query("INSERT INTO \(table) VALUES (?, ?)", [1, "primary"])
                // Reads alternate over both replicas and see the committed write.
                for _ in 0..<4 {
                    let row = try #require(try await client.read("SELECT v FROM \(table) WHERE id = ?", [1]).rows.first)
                    #expect(try row["v"].decode(String.self) == "primary")
                }
                // A write down the read path fails clearly, even after the pool reset the session.
                for _ in 0..<3 {
                    await #expect {
                        try await client.read("INSERT INTO \(table) VALUES (?, ?)", [2, "replica"])
                    } throws: { error in
                        (error as? MySQLServerError)?.errorCode == 1792
                    }
                }
                let readOnly = try await client.withReadConnection { connection in
                    try await connection.query("SELECT @@session.tx_read_only AS ro").rows[0]["ro"].decode(Bool.self)
                }
                #expect(readOnly)
            } catch {
                try await client.query("DROP TABLE \(table)")
                throw error
            }
            try await client.query("DROP TABLE \(table)")
        }
    }

    @Test func transactionCapturesNestedCallsAndRollsBack() async throws {
        try await Self.withClient { client in
            let table = "roost_split_tx_\(UInt32.random(in: 0...UInt32.max))"
            try await client.query("CREATE TABLE \(table) (id INT PRIMARY KEY) ENGINE=InnoDB")
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await client.withTransaction { connection in
                    try await client.query("INSERT INTO \(table) VALUES (?)", [1])
                    // A read inside the transaction sees the uncommitted row: it joined the
                    // transaction's connection instead of going to a replica.
                    let seen = try await client.read("SELECT COUNT(*) AS n FROM \(table)").rows[0]["n"].decode(Int.self)
                    #expect(seen == 1)
                    try await client.withTransaction { inner in
                        #expect(inner === connection)
                    }
                    let independent = try await client.withTransaction(independent: true) { other in other === connection }
                    #expect(!independent)
                    throw Abort()
                }
            }
            let after = try await client.read("SELECT COUNT(*) AS n FROM \(table)").rows[0]["n"].decode(Int.self)
            #expect(after == 0)
            try await client.query("DROP TABLE \(table)")
        }
    }

    @Test func withoutReplicasReadsUseThePrimary() async throws {
        try await Self.withClient(replicas: 0) { client in
            #expect(client.readPool === client.primary)
            let n = try await client.read("SELECT ? AS n", [5]).rows[0]["n"].decode(Int.self)
            #expect(n == 5)
        }
    }
}
