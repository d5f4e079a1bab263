import Foundation
import RoostSQL
import SQLKit
import Testing

/// The behaviour every engine must show, run by one suite per engine.
struct DatabaseContract {
    let engine: DatabaseURL.Engine

    func crud() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                let first = try await db.insert(into: "items", Item(name: "apple", qty: 3))
                let second = try await db.insert(into: "items", Item(name: "pear", qty: 5, note: "ripe"))
                #expect(second > first)

                let all = try await db.select("SELECT * FROM items ORDER BY id", as: Item.self)
                #expect(all == [Item(id: first, name: "apple", qty: 3), Item(id: second, name: "pear", qty: 5, note: "ripe")])
                #expect(try await db.find("SELECT * FROM items WHERE id = \(bind: second)", as: Item.self)?.name == "pear")
                #expect(try await db.find("SELECT * FROM items WHERE id = \(bind: Int64(999))", as: Item.self) == nil)
                #expect(try await db.count(from: "items") == 2)
                #expect(try await db.count(from: "items", where: "qty > \(bind: 4)") == 1)

                #expect(try await db.update("items", set: ["qty": 10], where: "name = \(bind: "apple")") == 1)
                #expect(try await db.update("items", set: ["qty": 1], where: "name = \(bind: "none")") == 0)
                #expect(try await db.find("SELECT qty FROM items WHERE id = \(bind: first)", as: QtyRow.self)?.qty == 10)

                try await db.execute("UPDATE items SET note = \(bind: "raw") WHERE qty >= \(bind: 5)")
                #expect(try await db.count(from: "items", where: "note = \(bind: "raw")") == 2)

                let builderNames = try await db.sql.select().column("name").from("items").orderBy("name")
                    .all(decodingColumn: "name", as: String.self)
                #expect(builderNames == ["apple", "pear"])

                #expect(try await db.delete(from: "items", where: "qty >= \(bind: 5)") == 2)
                #expect(try await db.count(from: "items") == 0)
            }
        }
    }

    func constraintViolation() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                try await db.insert(into: "items", Item(name: "apple"))
                let error = try await #require(throws: DatabaseError.self) {
                    try await db.insert(into: "items", Item(name: "apple"))
                }
                #expect(error.kind == .constraintViolation)
                #expect(error.code == "sql.constraint.violation")
                let engineMessage = try #require(error.engineMessage).lowercased()
                #expect(engineMessage.contains("unique") || engineMessage.contains("duplicate"))
                #expect(error.message.contains(try #require(error.engineMessage)))

                let notNull = try await #require(throws: DatabaseError.self) {
                    try await db.execute("INSERT INTO items (name) VALUES (NULL)")
                }
                #expect(notNull.kind == .constraintViolation)
            }
        }
    }

    func types() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                let ddl =
                    switch engine {
                    case .postgres:
                        "CREATE TABLE typed (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ, amount NUMERIC(30,10), uid UUID, doc JSONB, bytes BYTEA, text TEXT, flag BOOLEAN, ratio DOUBLE PRECISION, big BIGINT)"
                    case .mysql:
                        "CREATE TABLE typed (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(6), amount DECIMAL(30,10), uid BINARY(16), doc JSON, bytes LONGBLOB, text TEXT, flag BOOLEAN, ratio DOUBLE, big BIGINT)"
                    case .sqlite:
                        "CREATE TABLE typed (id INTEGER PRIMARY KEY, at REAL, amount TEXT, uid BLOB, doc TEXT, bytes BLOB, text TEXT, flag BOOLEAN, ratio REAL, big INTEGER)"
                    }
                try await db.execute(SQLQueryString(ddl))
                let value = Typed(
                    at: Date(timeIntervalSince1970: 1_765_432_109.25), amount: Decimal(string: "12345678901234.5678901234")!,
                    uid: UUID(), doc: Document(tags: ["a", "ü"], nested: ["k": 1]), bytes: Data([0, 1, 2, 255, 0]),
                    text: "héllo 世界 🚀 e\u{301} עברית 'quoted' \"double\" \\ %_", flag: true, ratio: 0.1 + 0.2, big: Int64.max)
                let id = try await db.insert(into: "typed", value)
                var read = try #require(try await db.find("SELECT * FROM typed WHERE id = \(bind: id)", as: Typed.self))
                read.id = nil
                #expect(abs(read.at.timeIntervalSince(value.at)) < 0.001)
                read.at = value.at
                #expect(read == value)
            }
        }
    }

    func nulls() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                let id = try await db.insert(into: "items", Item(name: "empty", qty: nil, note: nil))
                let item = try #require(try await db.find("SELECT * FROM items WHERE id = \(bind: id)", as: Item.self))
                #expect(item == Item(id: id, name: "empty", qty: nil, note: nil))
                #expect(try await db.count(from: "items", where: "qty IS NULL AND note IS NULL") == 1)
                try await db.execute("UPDATE items SET qty = \(bind: 7), note = \(bind: "x") WHERE id = \(bind: id)")
                #expect(try await db.update("items", set: NoteRow(note: nil, qty: 8), where: "id = \(bind: id)") == 1)
                #expect(try await db.find("SELECT * FROM items WHERE id = \(bind: id)", as: Item.self)?.note == "x")
                try await db.execute("UPDATE items SET note = \(bind: String?.none) WHERE id = \(bind: id)")
                #expect(try await db.count(from: "items", where: "note IS NULL AND qty = \(bind: 8)") == 1)
                let nothing = try await #require(throws: DatabaseError.self) {
                    try await db.update("items", set: NoteRow(note: nil, qty: nil), where: "id = \(bind: id)")
                }
                #expect(nothing.kind == .queryFailed)

                let error = try await #require(throws: DatabaseError.self) {
                    // note is NULL here: a NULL does not decode as a non-optional Int.
                    _ = try await db.find("SELECT note AS qty FROM items WHERE id = \(bind: id)", as: QtyRequiredRow.self)
                }
                #expect(error.kind == .decodingFailed)
            }
        }
    }
}

struct QtyRow: Codable, Equatable { var qty: Int? }
struct QtyRequiredRow: Codable, Equatable { var qty: Int }
struct NoteRow: Codable, Sendable { var note: String?; var qty: Int? }

struct Document: Codable, Sendable, Equatable {
    var tags: [String]
    var nested: [String: Int]
}

struct Typed: Codable, Sendable, Equatable {
    var id: Int64?
    var at: Date
    var amount: Decimal
    var uid: UUID
    var doc: Document
    var bytes: Data
    var text: String
    var flag: Bool
    var ratio: Double
    var big: Int64
}
