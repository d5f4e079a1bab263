import Foundation
import SQLKit
import Testing
import RoostTestSupport

@testable import RoostMySQL

@Suite("SQLKit over the real server", .requires(.mysql))
struct LiveSQLKitTests {
    struct Planet: Codable, Equatable, Sendable {
        enum Kind: String, Codable, Sendable { case rocky, gas }
        struct Facts: Codable, Equatable, Sendable { var moons: Int; var rings: Bool }

        var id: Int
        var name: String
        var kind: Kind
        var mass: Double
        var facts: Facts
        var discovered: Date?
    }

    static let planets = [
        Planet(id: 1, name: "Mercury", kind: .rocky, mass: 0.055, facts: .init(moons: 0, rings: false), discovered: nil),
        Planet(id: 2, name: "Jupiter", kind: .gas, mass: 317.8, facts: .init(moons: 95, rings: true), discovered: nil),
        Planet(
            id: 3, name: "Neptune 🔵", kind: .gas, mass: 17.15, facts: .init(moons: 16, rings: true),
            discovered: Date(timeIntervalSince1970: -3_933_273_600)),
    ]

    @Test func queryBuilderRoundTrip() async throws {
        try await LiveServer.withConnection { connection in
            let sql = connection.sql()
            let table = "roost_planets_\(connection.connectionID)"
            try await sql.create(table: table)
                .column("id", type: .bigint, .primaryKey(autoIncrement: true))
                .column("name", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("mass", type: .real, .notNull)
                .column("facts", type: .custom(SQLRaw("JSON")), .notNull)
                .column("discovered", type: .timestamp)
                .run()
            for planet in Self.planets {
                try await sql.insert(into: table).model(planet).run()
            }
            let gas = try await sql.select().columns("*").from(table)
                .where("kind", .equal, Planet.Kind.gas).orderBy("mass", .descending).limit(5)
                .all(decoding: Planet.self)
            #expect(gas == [Self.planets[1], Self.planets[2]])

            let second = try await sql.select().column("name").from(table).orderBy("id").limit(1).offset(1)
                .first(decodingColumn: "name", as: String.self)
            #expect(second == "Jupiter")

            try await sql.update(table).set("mass", to: 1.0).where("name", .equal, "Mercury").run()
            let mass = try await sql.select().column("mass").from(table).where("id", .equal, 1)
                .first(decodingColumn: "mass", as: Double.self)
            #expect(mass == 1.0)

            // Upsert: ON DUPLICATE KEY UPDATE.
            try await sql.insert(into: table).columns("id", "name", "kind", "mass", "facts")
                .values(SQLBind(2), SQLBind("Jupiter II"), SQLBind("gas"), SQLBind(1.5), SQLBind("{\"moons\":1,\"rings\":false}"))
                .onConflict { $0.set(excludedValueOf: "name").set(excludedValueOf: "mass") }
                .run()
            let upserted = try await sql.select().columns("*").from(table).where("id", .equal, 2).first(decoding: Planet.self)
            #expect(upserted?.name == "Jupiter II")
            #expect(upserted?.mass == 1.5)
            #expect(upserted?.facts == Planet.Facts(moons: 95, rings: true))

            try await sql.delete(from: table).where("kind", .equal, "rocky").run()
            let remaining = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                .first(decodingColumn: "n", as: Int.self)
            #expect(remaining == 2)
            let direct = try await connection.query("SELECT * FROM \(table) WHERE id = ?", [3]).rows[0].decode(Planet.self)
            #expect(direct == Self.planets[2])
            try await sql.drop(table: table).run()
        }
    }

    @Test func poolDatabaseAndSessions() async throws {
        try await LivePool.withRunningPool(maximum: 2) { pool in
            let sql = pool.sql()
            let row = try #require(try await sql.raw("SELECT \(bind: 40) + \(bind: 2) AS answer, \(bind: "ok") AS word").first())
            #expect(row.allColumns == ["answer", "word"])
            #expect(try row.decode(column: "answer", as: Int.self) == 42)
            #expect(try row.decodeNil(column: "word") == false)
            #expect(throws: MySQLDecodingError.self) { try row.decode(column: "missing", as: Int.self) }
            let sameSession = try await sql.withSession { session in
                try await session.raw("SET @roost_marker = 7").run()
                return try await session.raw("SELECT @roost_marker AS m").first(decodingColumn: "m", as: Int.self)
            }
            #expect(sameSession == 7)
        }
    }

    @Test func dialectWritesMySQL() throws {
        let dialect = MySQLDialect()
        #expect(dialect.upsertSyntax == .mysqlLike)
        #expect(!dialect.supportsReturning)
        let long = SQLIdentifier(String(repeating: "k", count: 80))
        let normalized = try #require(dialect.normalizeSQLConstraint(identifier: long) as? SQLIdentifier)
        #expect(normalized.string.count <= 64)
        #expect(normalized.string == (dialect.normalizeSQLConstraint(identifier: long) as? SQLIdentifier)?.string)
    }
}
