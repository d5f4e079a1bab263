import Foundation
import NIOCore
import Testing
import RoostTestSupport

@testable import RoostMySQL

/// One table with every column type and its edge values, written through prepared
/// statements and read back through both protocols.
@Suite("Type battery against the real server", .requires(.mysql))
struct TypeBatteryTests {
    static let createTable = """
        CREATE TEMPORARY TABLE battery (
          id INT PRIMARY KEY,
          i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u16 SMALLINT UNSIGNED, i24 MEDIUMINT, u24 MEDIUMINT UNSIGNED,
          i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED, amount DECIMAL(40,10), f FLOAT, d DOUBLE,
          dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), yr YEAR, s VARCHAR(100), txt TEXT,
          bin BINARY(16), blb BLOB, js JSON, bt BIT(64), en ENUM('a','b'), st SET('x','y','z'), geo GEOMETRY, flag BOOL
        ) CHARACTER SET utf8mb4
        """

    static let insert = """
        INSERT INTO battery VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
          ST_GeomFromText(?), ?)
        """

    static let uuid = UUID(uuidString: "0191A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B")!

    /// The minimum values (row 1).
    static let minimum: [any MySQLEncodable] = [
        1, Int8.min, UInt8.min, Int16.min, UInt16.min, -8_388_608, 0, Int32.min, UInt32.min, Int64.min, UInt64.min,
        Decimal(string: "-999999999999999999999999999.9999999999")!, Float(-0.25), -Double.greatestFiniteMagnitude,
        MySQLDateTime(year: 1000, month: 1, day: 1), MySQLDateTime(year: 1000, month: 1, day: 1),
        MySQLDateTime(year: 1970, month: 1, day: 1, second: 1), MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59),
        1901, "", "", [UInt8](repeating: 0, count: 16), [UInt8](), "[]", UInt64(0), "a", "", "POINT(0 0)", false,
    ]

    /// The maximum values (row 2).
    static let maximum: [any MySQLEncodable] = [
        2, Int8.max, UInt8.max, Int16.max, UInt16.max, 8_388_607, 16_777_215, Int32.max, UInt32.max, Int64.max, UInt64.max,
        "999999999999999999999999999999.9999999999", Float(1.5), Double.greatestFiniteMagnitude,
        MySQLDateTime(year: 9999, month: 12, day: 31),
        MySQLDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999),
        MySQLDateTime(year: 2038, month: 1, day: 19, hour: 3, minute: 14, second: 7, microsecond: 999_999),
        MySQLTime(hours: 838, minutes: 59, seconds: 59), 2155, "zoë 🐦🦆 ✓", String(repeating: "é", count: 1000), uuid,
        [UInt8](0...255), "{\"k\": [1, 2, \"🐦\"]}", UInt64.max, "b", "x,z", "POINT(1.5 -2)", true,
    ]

    static func withBatteryTable(_ body: (MySQLConnection) async throws -> Void) async throws {
        try await LiveServer.withConnection { connection in
            try await connection.query("SET time_zone = '+00:00'")
            try await connection.query(createTable)
            try await connection.query(insert, minimum)
            try await connection.query(insert, maximum)
            try await connection.query(insert, [3] + Array(repeating: Optional<Int>.none, count: 28))
            try await body(connection)
        }
    }

    @Test(arguments: [MySQLFormat.text, .binary])
    func everyTypeRoundTrips(format: MySQLFormat) async throws {
        try await Self.withBatteryTable { connection in
            let sql = "SELECT * FROM battery ORDER BY id"
            let result = try await format == .text ? connection.query(sql) : connection.preparedQuery(sql)
            #expect(result.rows.count == 3)
            #expect(result.rows.allSatisfy { $0.format == format })
            try Self.checkMinimum(result.rows[0])
            try Self.checkMaximum(result.rows[1])
            let nulls = result.rows[2]
            for index in 1..<nulls.count {
                #expect(nulls[index].isNull, "column \(nulls.columns[index].name)")
                #expect(try nulls[index].decode(Int?.self) == nil)
                #expect(throws: MySQLDecodingError.self) { try nulls[index].decode(String.self) }
            }
        }
    }

    static func checkMinimum(_ row: MySQLRow) throws {
        #expect(try row["i8"].decode(Int8.self) == .min)
        #expect(try row["u8"].decode(UInt8.self) == .min)
        #expect(try row["i16"].decode(Int16.self) == .min)
        #expect(try row["u16"].decode(UInt16.self) == .min)
        #expect(try row["i24"].decode(Int32.self) == -8_388_608)
        #expect(try row["i32"].decode(Int32.self) == .min)
        #expect(try row["u32"].decode(UInt32.self) == .min)
        #expect(try row["i64"].decode(Int64.self) == .min)
        #expect(try row["u64"].decode(UInt64.self) == .min)
        #expect(try row["amount"].decode(Decimal.self) == Decimal(string: "-999999999999999999999999999.9999999999"))
        #expect(try row["f"].decode(Float.self) == -0.25)
        #expect(try row["d"].decode(Double.self) == -.greatestFiniteMagnitude)
        #expect(try row["dt"].decode(MySQLDateTime.self) == MySQLDateTime(year: 1000, month: 1, day: 1))
        #expect(try row["dt"].decode(String.self) == "1000-01-01")
        #expect(try row["dtm"].decode(String.self) == "1000-01-01 00:00:00.000000")
        #expect(try row["ts"].decode(Date.self) == Date(timeIntervalSince1970: 1))
        #expect(try row["tm"].decode(MySQLTime.self) == MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59))
        #expect(try row["tm"].decode(String.self) == "-838:59:59.000000")
        #expect(try row["yr"].decode(Int.self) == 1901)
        #expect(try row["s"].decode(String.self) == "")
        #expect(try row["bin"].decode([UInt8].self) == [UInt8](repeating: 0, count: 16))
        #expect(try row["blb"].decode(Data.self) == Data())
        #expect(try row["bt"].decode(UInt64.self) == 0)
        #expect(try row["en"].decode(String.self) == "a")
        #expect(try row["st"].decode(String.self) == "")
        #expect(try row["geo"].decode([UInt8].self).count == 25)
        #expect(try row["flag"].decode(Bool.self) == false)
    }

    static func checkMaximum(_ row: MySQLRow) throws {
        #expect(try row["i8"].decode(Int8.self) == .max)
        #expect(try row["u8"].decode(UInt8.self) == .max)
        #expect(try row["i16"].decode(Int16.self) == .max)
        #expect(try row["u16"].decode(UInt16.self) == .max)
        #expect(try row["i24"].decode(Int.self) == 8_388_607)
        #expect(try row["u24"].decode(UInt32.self) == 16_777_215)
        #expect(try row["i32"].decode(Int32.self) == .max)
        #expect(try row["u32"].decode(UInt32.self) == .max)
        #expect(try row["i64"].decode(Int64.self) == .max)
        #expect(try row["u64"].decode(UInt64.self) == .max)
        #expect(throws: MySQLDecodingError.self) { try row["u64"].decode(Int64.self) }
        #expect(throws: MySQLDecodingError.self) { try row["u8"].decode(Int8.self) }
        #expect(try row["u64"].decode(String.self) == "18446744073709551615")
        #expect(try row["amount"].decode(String.self) == "999999999999999999999999999999.9999999999")
        #expect(throws: MySQLDecodingError.self) { try row["amount"].decode(Decimal.self) }
        #expect(try row["f"].decode(Float.self) == 1.5)
        #expect(try row["d"].decode(Double.self) == .greatestFiniteMagnitude)
        #expect(try row["dt"].decode(Date.self) == Date(timeIntervalSince1970: 253_402_214_400))
        #expect(try row["dtm"].decode(MySQLDateTime.self)
            == MySQLDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999))
        #expect(try row["ts"].decode(MySQLDateTime.self)
            == MySQLDateTime(year: 2038, month: 1, day: 19, hour: 3, minute: 14, second: 7, microsecond: 999_999))
        #expect(try row["tm"].decode(MySQLTime.self).duration == .seconds(838 * 3_600 + 59 * 60 + 59))
        #expect(try row["yr"].decode(UInt16.self) == 2155)
        #expect(try row["s"].decode(String.self) == "zoë 🐦🦆 ✓")
        #expect(try row["txt"].decode(String.self) == String(repeating: "é", count: 1000))
        #expect(try row["bin"].decode(UUID.self) == uuid)
        #expect(try row["blb"].decode([UInt8].self) == [UInt8](0...255))
        #expect(try row["js"].decode(String.self).contains("🐦"))
        #expect(try row["bt"].decode(UInt64.self) == .max)
        #expect(try row["en"].decode(String.self) == "b")
        #expect(try row["st"].decode(String.self) == "x,z")
        #expect(try row["geo"].decode(Data.self).count == 25)
        #expect(try row["flag"].decode(Bool.self))
    }

    @Test(arguments: [MySQLFormat.text, .binary])
    func zeroDatesAreRejectedAsInstants(format: MySQLFormat) async throws {
        try await LiveServer.withConnection { connection in
            try await connection.query("SET SESSION sql_mode = ''")
            try await connection.query("CREATE TEMPORARY TABLE zero_dates (d DATE, t DATETIME(6))")
            try await connection.query("INSERT INTO zero_dates VALUES ('0000-00-00', '0000-00-00 00:00:00')")
            let sql = "SELECT d, t FROM zero_dates"
            let result = try await format == .text ? connection.query(sql) : connection.preparedQuery(sql)
            let row = try #require(result.rows.first)
            #expect(try row["d"].decode(MySQLDateTime.self).isZero)
            #expect(try row["t"].decode(MySQLDateTime.self).isZero)
            #expect(throws: MySQLDecodingError.self) { try row["d"].decode(Date.self) }
            #expect(throws: MySQLDecodingError.self) { try row["t"].decode(Date?.self) }
            // Strict mode refuses to store one.
            try await connection.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE'")
            await #expect(throws: MySQLServerError.self) {
                try await connection.query("INSERT INTO zero_dates (d) VALUES (?)", [MySQLDateTime(year: 0, month: 0, day: 0)])
            }
        }
    }
}
