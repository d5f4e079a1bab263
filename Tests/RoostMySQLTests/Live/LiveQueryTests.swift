import Foundation
import Testing
import RoostTestSupport

@testable import RoostMySQL

@Suite("Queries against the real server", .requires(.mysql))
struct LiveQueryTests {
    @Test func typedValuesAndCounters() async throws {
        try await LiveServer.withConnection { connection in
            let table = "roost_types_\(connection.connectionID)"
            try await connection.query(
                """
                CREATE TEMPORARY TABLE \(table) (
                  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
                  i8 TINYINT, u8 TINYINT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED,
                  amount DECIMAL(40,10), ratio DOUBLE, created DATETIME(6), note VARCHAR(50)
                ) CHARACTER SET utf8mb4
                """)
            let insert = try await connection.query(
                """
                INSERT INTO \(table) (i8, u8, i64, u64, amount, ratio, created, note) VALUES
                (-128, 255, -9223372036854775808, 18446744073709551615, 123456789012345678901234567890.0123456789,
                 -1.5e300, '2024-02-29 23:59:58.123456', 'zoë 🐦'),
                (127, 0, 9223372036854775807, 0, -0.0000000001, 0.25, '1970-01-01 00:00:00', NULL)
                """)
            #expect(insert.affectedRows == 2)
            #expect(insert.lastInsertID == 1)
            #expect(insert.columns.isEmpty)

            let result = try await connection.query("SELECT * FROM \(table) ORDER BY id")
            #expect(result.columns.map(\.name) == ["id", "i8", "u8", "i64", "u64", "amount", "ratio", "created", "note"])
            #expect(result.columns[0].type == .longLong)
            #expect(result.columns[0].flags.contains(.unsigned))
            #expect(result.columns[5].type == .newDecimal)
            #expect(result.columns[7].type == .datetime)
            #expect(result.rows.count == 2)
            let first = result.rows[0]
            #expect(try first["i8"].decode(Int8.self) == .min)
            #expect(try first["u8"].decode(UInt8.self) == .max)
            #expect(try first["i64"].decode(Int64.self) == .min)
            #expect(try first["u64"].decode(UInt64.self) == .max)
            #expect(try first["amount"].decode(String.self) == "123456789012345678901234567890.0123456789")
            #expect(try first["ratio"].decode(Double.self) == -1.5e300)
            #expect(try first["created"].decode(MySQLDateTime.self)
                == MySQLDateTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58, microsecond: 123_456))
            #expect(try first["note"].decode(String.self) == "zoë 🐦")
            let second = result.rows[1]
            #expect(try second["i64"].decode(Int64.self) == .max)
            #expect(try second["amount"].decode(String.self) == "-0.0000000001")
            #expect(try second["created"].decode(Date.self) == Date(timeIntervalSince1970: 0))
            #expect(try second["note"].decode(String?.self) == nil)
            #expect(second[8].isNull)

            let update = try await connection.query("UPDATE \(table) SET note = 'x' WHERE id <= 2")
            #expect(update.affectedRows == 2)
        }
    }

    @Test func timeDecimalAndZeroDates() async throws {
        try await LiveServer.withConnection { connection in
            let result = try await connection.query(
                """
                SELECT CAST('-838:59:59.5' AS TIME(1)) AS t, CAST('123.45' AS DECIMAL(10,2)) AS d,
                       CAST(NULL AS DECIMAL) AS n, CAST('0000-00-00' AS DATE) AS z, CAST(18446744073709551615 AS UNSIGNED) AS u
                """)
            let row = try #require(result.rows.first)
            #expect(result.columns[0].type == .time)
            #expect(try row["t"].decode(MySQLTime.self) == MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59, microseconds: 500_000))
            #expect(try row["d"].decode(Decimal.self) == Decimal(string: "123.45"))
            #expect(try row["n"].decode(Decimal?.self) == nil)
            #expect(try row["u"].decode(UInt64.self) == .max)
            // The server may turn the zero date into NULL (strict modes) or send it; either
            // way it never becomes an instant.
            if !row[3].isNull {
                #expect(try row["z"].decode(MySQLDateTime.self).isZero)
                #expect(throws: MySQLDecodingError.self) { _ = try row["z"].decode(Date.self) }
            }
        }
    }

    @Test func textBinaryAndSpecialColumnTypes() async throws {
        try await LiveServer.withConnection { connection in
            let table = "roost_kinds_\(connection.connectionID)"
            try await connection.query(
                """
                CREATE TEMPORARY TABLE \(table) (
                  y YEAR, b BIT(10), e ENUM('red','green'), s SET('a','b','c'), j JSON, blobby BLOB,
                  bin BINARY(16), u UUID, g GEOMETRY, emoji VARCHAR(10)
                ) CHARACTER SET utf8mb4
                """)
            try await connection.query(
                """
                INSERT INTO \(table) VALUES (2155, b'1000000001', 'green', 'a,c', '{"k": [1, 2]}', X'00FF10',
                  UNHEX('0191A1B2C3D47E5F8A9B0C1D2E3F4A5B'), '0191a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
                  ST_GeomFromText('POINT(1 2)'), '🐦🦆')
                """)
            let result = try await connection.query("SELECT * FROM \(table)")
            let row = try #require(result.rows.first)
            let uuid = UUID(uuidString: "0191A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B")
            #expect(try row["y"].decode(Int.self) == 2155)
            #expect(result.columns[1].type == .bit)
            #expect(try row["b"].decode(UInt16.self) == 0b10_0000_0001)
            #expect(try row["e"].decode(String.self) == "green")
            #expect(try row["s"].decode(String.self) == "a,c")
            #expect(try row["j"].decode(String.self).contains("\"k\""))
            #expect(try row["blobby"].decode([UInt8].self) == [0x00, 0xFF, 0x10])
            #expect(try row["bin"].decode(UUID.self) == uuid)
            #expect(try row["u"].decode(UUID.self) == uuid)
            #expect(try row["g"].decode(Data.self).count == 25)  // SRID + WKB point
            #expect(try row["emoji"].decode(String.self) == "🐦🦆")
        }
    }

    @Test func warningsAndStatus() async throws {
        try await LiveServer.withConnection { connection in
            let warned = try await connection.query("SELECT CAST('12abc' AS SIGNED) AS n")
            #expect(try warned.rows[0]["n"].decode(Int.self) == 12)
            #expect(warned.warnings == 1)
            let begin = try await connection.query("BEGIN")
            #expect(begin.status.contains(.inTransaction))
            let rollback = try await connection.query("ROLLBACK")
            #expect(!rollback.status.contains(.inTransaction))
            #expect(rollback.status.contains(.autocommit))
        }
    }

    @Test func badSQLIsServerErrorAndConnectionStaysUsable() async throws {
        try await LiveServer.withConnection { connection in
            await #expect {
                try await connection.query("SELEC 1")
            } throws: { error in
                guard let error = error as? MySQLServerError else { return false }
                return error.errorCode == 1064 && error.sqlState == "42000" && error.serverMessage.contains("SELEC")
            }
            await #expect {
                try await connection.query("SELECT * FROM roost_no_such_table")
            } throws: { error in
                (error as? MySQLServerError).map { $0.errorCode == 1146 && $0.sqlState == "42S02" } ?? false
            }
            let two = try await connection.query("SELECT 1 + 1").rows[0][0].decode(Int.self)
            #expect(two == 2)
        }
    }

    @Test func concurrentCallersQueueOnOneConnection() async throws {
        try await LiveServer.withConnection { connection in
            let sums = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<50 {
                    group.addTask { (index, try await connection.query("SELECT \(index) * 2").rows[0][0].decode(Int.self)) }
                }
                var sums: [Int: Int] = [:]
                for try await (index, value) in group { sums[index] = value }
                return sums
            }
            #expect(sums.count == 50)
            #expect(sums.allSatisfy { $0.value == $0.key * 2 })
        }
    }

    @Test func multipleResultSetsFromProcedure() async throws {
        try await LiveServer.withConnection { connection in
            try await connection.query("DROP PROCEDURE IF EXISTS roost_two_results")
            try await connection.query("CREATE PROCEDURE roost_two_results() BEGIN SELECT 1 AS a; SELECT 'b' AS b, 2 AS c; END")
            let result = try await connection.query("CALL roost_two_results()")
            #expect(try result.rows[0]["a"].decode(Int.self) == 1)
            #expect(result.moreResults.count == 2)  // the second SELECT and the CALL's own OK
            #expect(try result.moreResults[0].rows[0]["b"].decode(String.self) == "b")
            #expect(result.moreResults[1].columns.isEmpty)
            try await connection.query("DROP PROCEDURE roost_two_results")
            #expect(try await connection.query("SELECT 3").rows[0][0].decode(Int.self) == 3)
        }
    }

    @Test func packetsLargerThan16MiBSplitAndJoin() async throws {
        try await LiveServer.withConnection { admin in
            try await admin.query("SET GLOBAL max_allowed_packet = 67108864")
        }
        try await LiveServer.withConnection { connection in
            let size = 20 * 1024 * 1024
            let result = try await connection.query("SELECT REPEAT('x', \(size)) AS big, LENGTH(REPEAT('y', \(size))) AS n")
            let big = try result.rows[0]["big"].decode(String.self)
            #expect(big.utf8.count == size)
            #expect(big.utf8.allSatisfy { $0 == UInt8(ascii: "x") })
            // A statement longer than one frame goes out split.
            let literal = String(repeating: "z", count: size)
            let echoed = try await connection.query("SELECT LENGTH('\(literal)') AS n")
            #expect(try echoed.rows[0]["n"].decode(Int.self) == size)
        }
    }

    @Test func killedMidQueryIsConnectionError() async throws {
        let victim = try await LiveServer.connect()
        try await LiveServer.withConnection { killer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect {
                        try await victim.query("SELECT SLEEP(60)")
                    } throws: { error in
                        (error as? MySQLConnectionError)?.code == "mysql.connection.closed"
                    }
                }
                // Wait until the server runs the statement, then kill its connection.
                var running = false
                for _ in 0..<10_000 where !running {
                    let count = try await killer.query(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = \(victim.connectionID) AND INFO LIKE 'SELECT SLEEP%'")
                    running = try count.rows[0][0].decode(Int.self) == 1
                }
                #expect(running)
                try await killer.query("KILL CONNECTION \(victim.connectionID)")
                try await group.waitForAll()
            }
        }
        await #expect {
            try await victim.query("SELECT 1")
        } throws: { error in
            (error as? MySQLConnectionError)?.kind == .closed
        }
        try await victim.close()
    }
}
