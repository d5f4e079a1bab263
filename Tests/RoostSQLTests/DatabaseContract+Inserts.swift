import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import Testing

@testable import RoostSQL

/// A row of `items` with other coded keys than ``Item``.
private struct Label: Codable, Sendable {
    var note: String
    var name: String
}

extension DatabaseContract {
    /// `insert(into:_:)` reuses the text of an INSERT only for the same table and the same
    /// columns: rows leaving out different optional columns, other row types and other
    /// tables each get their own statement, and every value lands in its column.
    func insertShapes() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                try await db.execute(SQLQueryString(database.itemsTable.replacingOccurrences(of: "TABLE items", with: "TABLE items_copy")))

                let a = try await db.insert(into: "items", Item(name: "a", qty: 1))
                let b = try await db.insert(into: "items", Item(name: "b", qty: 2, note: "second"))
                let c = try await db.insert(into: "items", Item(name: "c", qty: 3))
                let d = try await db.insert(into: "items", Item(name: "d", note: "fourth"))
                let e = try await db.insert(into: "items", Label(note: "fifth", name: "e"))
                let copy = try await db.insert(into: "items_copy", Item(name: "a", qty: 7))
                // Same shape again, after the others: served from the cache.
                let f = try await db.insert(into: "items", Item(name: "f", qty: 6))

                let rows = try await db.select("SELECT * FROM items ORDER BY id", as: Item.self)
                #expect(
                    rows == [
                        Item(id: a, name: "a", qty: 1), Item(id: b, name: "b", qty: 2, note: "second"),
                        Item(id: c, name: "c", qty: 3), Item(id: d, name: "d", note: "fourth"),
                        Item(id: e, name: "e", note: "fifth"), Item(id: f, name: "f", qty: 6),
                    ])
                #expect(
                    try await db.select("SELECT * FROM items_copy", as: Item.self) == [Item(id: copy, name: "a", qty: 7)])
                // (name, qty), (name, qty, note), (name, note), (note, name), and (name, qty) on items_copy.
                #expect(db.insertStatements.count == 5)

                // The same shape inside a transaction, and a refused row, behave as before.
                try await db.withTransaction { tx in
                    try await tx.insert(into: "items", Item(name: "g", qty: 8))
                }
                let duplicate = try await #require(throws: DatabaseError.self) {
                    try await db.insert(into: "items", Item(name: "g", qty: 9))
                }
                #expect(duplicate.kind == .constraintViolation)
                #expect(try await db.count(from: "items") == 7)
            }
        }
    }
}

@Suite struct InsertStatementCacheTests {
    /// A SQLKit database that only serializes, with a dialect of its own.
    private struct Serializing: SQLDatabase {
        let dialect: any SQLDialect
        var logger: Logger { Logger(label: "test") }
        var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.next() }
        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
            eventLoop.makeSucceededVoidFuture()
        }
    }

    private func serialized(_ expression: any SQLExpression, on database: any SQLDatabase) -> (String, [String]) {
        var serializer = SQLSerializer(database: database)
        expression.serialize(to: &serializer)
        return (serializer.sql, serializer.binds.map { "\($0)" })
    }

    @Test func cachedTextEqualsTheBuilders() throws {
        let database = Serializing(dialect: PostgresDialect())
        let cache = InsertStatementCache()
        for item in [Item(name: "a", qty: 1), Item(name: "b", qty: 2), Item(name: "c", note: "n"), Item(name: "d", qty: 4)] {
            let cached = try cache.statement(into: "items", item, returning: "id", on: database)
            let built = try InsertStatementCache.built(into: "items", item, returning: "id", on: database)
            #expect(serialized(cached, on: database) == serialized(built, on: database))
        }
        #expect(cache.count == 2)
        let other = try cache.statement(into: "other", Item(name: "e", qty: 5), returning: nil, on: database)
        #expect(serialized(other, on: database).0 == #"INSERT INTO "other" ("name", "qty") VALUES ($1, $2)"#)
        #expect(serialized(other, on: database).1 == ["e", "5"])
        #expect(cache.count == 3)
    }

    @Test func fullCacheStillServesStatements() throws {
        let database = Serializing(dialect: SQLiteDialect())
        let cache = InsertStatementCache(capacity: 1)
        _ = try cache.statement(into: "items", Item(name: "a", qty: 1), returning: nil, on: database)
        let uncached = try cache.statement(into: "items", Item(name: "b", note: "n"), returning: nil, on: database)
        #expect(serialized(uncached, on: database).0 == #"INSERT INTO "items" ("name", "note") VALUES (?1, ?2)"#)
        #expect(cache.count == 1)
    }

    @Test func encodingFailureThrowsLikeTheBuilder() throws {
        struct Scalar: Encodable { func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(1) } }
        let database = Serializing(dialect: SQLiteDialect())
        #expect(throws: (any Error).self) { try InsertStatementCache().statement(into: "items", Scalar(), returning: nil, on: database) }
        #expect(throws: (any Error).self) { try InsertStatementCache.built(into: "items", Scalar(), returning: nil, on: database) }
    }
}
