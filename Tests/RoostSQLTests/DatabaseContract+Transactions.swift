import Foundation
import RoostSQL
import RoostTestSupport
import SQLKit
import Testing

struct Boom: Error, Equatable {}

extension DatabaseContract {
    func commitAndRollback() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                let id = try await db.withTransaction { tx in
                    try await tx.insert(into: "items", Item(name: "kept"))
                }
                #expect(try await db.count(from: "items", where: "id = \(bind: id)") == 1)

                await #expect(throws: Boom.self) {
                    try await db.withTransaction { tx in
                        try await tx.insert(into: "items", Item(name: "lost"))
                        // The client's own operations join the task's transaction.
                        #expect(try await db.count(from: "items", where: "name = \(bind: "lost")") == 1)
                        throw Boom()
                    }
                }
                #expect(try await db.count(from: "items", where: "name = \(bind: "lost")") == 0)

                let leaked = try await db.withTransaction { tx in tx }
                let error = try await #require(throws: DatabaseError.self) { try await leaked.count(from: "items") }
                #expect(error.kind == .closed)
            }
        }
    }

    func nestedAndSavepoints() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                await #expect(throws: Boom.self) {
                    try await db.withTransaction { outer in
                        try await outer.insert(into: "items", Item(name: "outer"))
                        try await db.withTransaction { inner in
                            #expect(inner === outer)
                            try await inner.insert(into: "items", Item(name: "inner"))
                        }
                        throw Boom()
                    }
                }
                #expect(try await db.count(from: "items") == 0)

                try await db.withTransaction { tx in
                    try await tx.insert(into: "items", Item(name: "kept"))
                    await #expect(throws: Boom.self) {
                        try await tx.savepoint { tx in
                            try await tx.insert(into: "items", Item(name: "undone"))
                            throw Boom()
                        }
                    }
                    _ = try await tx.savepoint { tx in
                        try await tx.insert(into: "items", Item(name: "saved"))
                    }
                    // After a failed statement PostgreSQL aborts the transaction; the savepoint keeps it usable.
                    await #expect(throws: DatabaseError.self) {
                        try await tx.savepoint { tx in try await tx.insert(into: "items", Item(name: "kept")) }
                    }
                    try await tx.insert(into: "items", Item(name: "after"))
                }
                let names = try await db.select("SELECT * FROM items ORDER BY name", as: Item.self).map(\.name)
                #expect(names == ["after", "kept", "saved"])
            }
        }
    }

    func rollbackOnCancellation() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                let inserted = Gate()
                let (never, continuation) = AsyncStream<Void>.makeStream()
                let task = Task {
                    try await db.withTransaction { tx in
                        try await tx.insert(into: "items", Item(name: "cancelled"))
                        inserted.open()
                        // Ends only when the task is cancelled; the body then returns normally.
                        for await _ in never {}
                    }
                }
                await inserted.wait()
                task.cancel()
                await #expect(throws: CancellationError.self) { try await task.value }
                continuation.finish()
                #expect(try await db.count(from: "items") == 0)
                // The connection went back to the pool in a usable state.
                _ = try await db.withTransaction { tx in try await tx.insert(into: "items", Item(name: "next")) }
                #expect(try await db.count(from: "items") == 1)
            }
        }
    }

    func concurrentWriters() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { setup in
                try await database.createItems(setup)
                try await setup.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
                try await setup.execute("INSERT INTO counter (n) VALUES (0)")
            }
            let writers = 4
            let perWriter = 15
            let clients = try await (0..<2).asyncMap { _ in try await database.open(maxConnections: 3) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    let db = clients[writer % clients.count]
                    group.addTask {
                        for index in 0..<perWriter {
                            try await db.withTransaction { tx in
                                try await tx.insert(into: "items", Item(name: "w\(writer)-\(index)"))
                                try await tx.execute("UPDATE counter SET n = n + 1")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let db = clients[0]
            #expect(try await db.count(from: "items") == writers * perWriter)
            #expect(try await db.find("SELECT n AS qty FROM counter", as: QtyRow.self)?.qty == writers * perWriter)
            for client in clients { try await client.close() }
        }
    }

    func readOnly() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                try await db.insert(into: "items", Item(name: "apple", qty: 1))
            }
            var readOnlyURL = database.url
            readOnlyURL.options.readOnly = true
            for client in [try await database.open(readOnly: true), try await TestDatabase.openPatiently(readOnlyURL)] {
                #expect(client.isReadOnly)
                #expect(try await client.count(from: "items") == 1)
                #expect(try await client.select("SELECT * FROM items", as: Item.self).map(\.name) == ["apple"])
                try await client.withTransaction { tx throws in #expect(try await tx.count(from: "items") == 1) }

                let writes: [@Sendable () async throws -> Void] = [
                    { _ = try await client.insert(into: "items", Item(name: "pear")) },
                    { _ = try await client.update("items", set: ["qty": 2], where: "id > 0") },
                    { _ = try await client.delete(from: "items", where: "id > 0") },
                    { try await client.execute("DROP TABLE items") },
                    { try await client.execute("SELECT 1; DELETE FROM items") },
                    { try await client.sql.insert(into: "items").columns("name").values("x").run() },
                    { try await client.withTransaction { tx in try await tx.execute("UPDATE items SET qty = 5") } },
                ]
                for write in writes {
                    let error = try await #require(throws: DatabaseError.self) { try await write() }
                    #expect(error.kind == .readOnly)
                    #expect(error.code == "sql.readonly")
                }
                try await client.close()
            }
            try await database.withClient { db throws in
                #expect(try await db.select("SELECT * FROM items", as: Item.self) == [Item(id: 1, name: "apple", qty: 1)])
            }
        }
    }

    func closedClient() async throws {
        try await TestDatabase.with(engine) { database in
            let db = try await database.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await db.run() }
                try await db.check()
                group.cancelAll()
                try await group.waitForAll()
            }
            let error = try await #require(throws: DatabaseError.self) { try await db.check() }
            #expect(error.kind == .closed)
            try await db.close()
        }
    }
}

extension DatabaseContract {
    /// With its one connection held, a statement waits the pool timeout and fails with
    /// `poolTimeout`; once the connection is back, statements run again.
    func exhaustedPool() async throws {
        try await TestDatabase.with(engine) { database in
            let db = try await openWithShortPoolTimeout(database)
            let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await db.sql.withSession { _ in
                    heldContinuation.yield()
                    for await _ in release { return }
                }
            }
            for await _ in held { break }
            let error = try await #require(throws: DatabaseError.self) { try await db.check() }
            #expect(error.kind == .poolTimeout)
            #expect(error.message.contains("maxConnections"))
            releaseContinuation.yield()
            try await holder.value
            try await db.check()
            try await db.close()
        }
    }

    /// A client of one connection that waits 300 ms for it. Opening borrows that
    /// connection, so on a loaded machine a server slow to accept one can exhaust the
    /// wait before the test begins: opening is tried again then, as that is not what the
    /// test is about.
    private func openWithShortPoolTimeout(_ database: TestDatabase) async throws -> DatabaseClient {
        var attempt = 1
        while true {
            do {
                return try await database.open(maxConnections: 1, poolTimeout: .milliseconds(300))
            } catch is DatabaseError where attempt < 20 {
                attempt += 1
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
