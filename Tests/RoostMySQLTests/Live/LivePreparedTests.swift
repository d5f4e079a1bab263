import Foundation
import NIOCore
import Testing
import RoostTestSupport

@testable import RoostMySQL

@Suite("Prepared statements against the real server", .requires(.mysql))
struct LivePreparedTests {
    @Test func bindsEveryScalarType() async throws {
        try await LiveServer.withConnection { connection in
            let instant = Date(timeIntervalSince1970: 1_700_000_000.123_456)
            let uuid = UUID()
            let result = try await connection.query(
                """
                SELECT ? AS i, ? AS u, ? AS b, ? AS d, ? AS f, ? AS s, ? AS bytes, ? AS amount, CAST(? AS DATETIME(6)) AS at,
                       ? AS uuid, ? AS n, ? AS data, ? AS t
                """,
                [
                    -42, UInt64.max, true, 0.1, Float(2.5), "it's \"quoted\" 🐦", [UInt8]([0, 1, 255]),
                    Decimal(string: "-12345678901234567890.123456789")!, instant, uuid, Optional<String>.none,
                    Data([9, 8]), MySQLTime(isNegative: true, hours: 100, minutes: 1, seconds: 2, microseconds: 3),
                ])
            let row = try #require(result.rows.first)
            #expect(row.format == .binary)
            #expect(try row["i"].decode(Int.self) == -42)
            #expect(try row["u"].decode(UInt64.self) == .max)
            #expect(try row["b"].decode(Bool.self))
            #expect(try row["d"].decode(Double.self) == 0.1)
            #expect(try row["f"].decode(Float.self) == 2.5)
            #expect(try row["s"].decode(String.self) == "it's \"quoted\" 🐦")
            #expect(try row["bytes"].decode([UInt8].self) == [0, 1, 255])
            #expect(try row["amount"].decode(Decimal.self) == Decimal(string: "-12345678901234567890.123456789"))
            #expect(try row["at"].decode(MySQLDateTime.self) == MySQLDateTime(utc: instant))
            #expect(try abs(row["at"].decode(Date.self).timeIntervalSince(instant)) < 0.000_001)
            #expect(try row["uuid"].decode(UUID.self) == uuid)
            #expect(try row["n"].isNull)
            #expect(try row["data"].decode(Data.self) == Data([9, 8]))
            #expect(try row["t"].decode(MySQLTime.self)
                == MySQLTime(isNegative: true, hours: 100, minutes: 1, seconds: 2, microseconds: 3))
        }
    }

    @Test func countersOfWritesThroughPreparedStatements() async throws {
        try await LiveServer.withConnection { connection in
            try await connection.query("CREATE TEMPORARY TABLE p (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))")
            let first = try await connection.query("INSERT INTO p (v) VALUES (?), (?)", ["a", "b"])
            #expect(first.affectedRows == 2)
            #expect(first.lastInsertID == 1)
            let update = try await connection.query("UPDATE p SET v = ? WHERE id >= ?", ["c", 1])
            #expect(update.affectedRows == 2)
            let selected = try await connection.query("SELECT v FROM p WHERE id = ?", [2])
            #expect(try selected.rows.map { try $0["v"].decode(String.self) } == ["c"])
        }
    }

    @Test func wrongBindCountIsTypedAndConnectionStaysUsable() async throws {
        try await LiveServer.withConnection { connection in
            await #expect {
                try await connection.query("SELECT ? + ?", [1])
            } throws: { error in
                (error as? MySQLStatementError).map { $0.placeholders == 2 && $0.binds == 1 && $0.code == "mysql.statement.bindCount" } ?? false
            }
            await #expect {
                try await connection.query("SELEC ?", [1])
            } throws: { error in
                (error as? MySQLServerError)?.errorCode == 1064
            }
            let sum = try await connection.query("SELECT ? + ? AS n", [1, 2]).rows[0]["n"].decode(Int.self)
            #expect(sum == 3)
        }
    }

    @Test func cacheReusesAndEvictsLeastRecentlyUsed() async throws {
        let connection = try await LiveServer.connect { $0.statementCacheCapacity = 2 }
        for sql in ["SELECT ? AS a", "SELECT ? AS b", "SELECT ? AS a"] {
            _ = try await connection.query(sql, [1])
        }
        #expect(connection.cachedStatementCount == 2)
        let a = try #require(connection.statements.withLock { $0.statement(for: "SELECT ? AS a") })
        let b = try #require(connection.statements.withLock { $0.statement(for: "SELECT ? AS b") })
        // Touching "a" leaves "b" least recently used, so "c" evicts it.
        _ = connection.statements.withLock { $0.statement(for: "SELECT ? AS a") }
        _ = try await connection.query("SELECT ? AS c", [1])
        #expect(connection.cachedStatementCount == 2)
        #expect(connection.statements.withLock { $0.statement(for: "SELECT ? AS b") } == nil)
        // The evicted statement was closed on the server; the kept one still runs.
        await #expect {
            try await connection.submit(.execute(b, [.int(1)])).result()
        } throws: { error in
            (error as? MySQLServerError)?.errorCode == 1243
        }
        #expect(try await connection.submit(.execute(a, [.int(7)])).result().rows[0][0].decode(Int.self) == 7)
        try await connection.close()
    }

    @Test func resetForgetsStatementsAndTheyArePreparedAgain() async throws {
        try await LiveServer.withConnection { connection in
            #expect(try await connection.query("SELECT ? AS n", [1]).rows[0]["n"].decode(Int.self) == 1)
            #expect(connection.cachedStatementCount == 1)
            try await connection.resetConnection()
            #expect(connection.cachedStatementCount == 0)
            #expect(try await connection.query("SELECT ? AS n", [2]).rows[0]["n"].decode(Int.self) == 2)
        }
    }

    @Test func concurrentPreparedQueriesOnOneConnection() async throws {
        let connection = try await LiveServer.connect { $0.statementCacheCapacity = 3 }
        let values = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let sql = "SELECT ? * \(index % 7) AS v"
                    return (index, try await connection.query(sql, [index]).rows[0]["v"].decode(Int.self))
                }
            }
            var values: [Int: Int] = [:]
            for try await (index, value) in group { values[index] = value }
            return values
        }
        #expect(values.count == 200)
        #expect(values.allSatisfy { $0.value == $0.key * ($0.key % 7) })
        try await connection.close()
    }
}
