import Foundation
import RoostSQL
import SQLKit
import Testing

extension DatabaseContract {
    /// Three migrations; the second seeds one row, so running it twice would show.
    func migrations(_ database: TestDatabase) -> [Migration] {
        [
            Migration(1, "create items", sql: database.itemsTable),
            Migration(2, "seed") { tx in
                try await tx.insert(into: "items", Item(name: "seed", qty: 1))
            },
            Migration(3, "index names", sql: "CREATE INDEX items_qty ON items (qty)"),
        ]
    }

    func migrateConcurrently() async throws {
        try await TestDatabase.with(engine) { database in
            let clients = try await (0..<2).asyncMap { _ in try await database.open() }
            let migrators = try clients.map { try DatabaseMigrator(client: $0, migrations: migrations(database)) }
            #expect(try await migrators[0].status().map(\.isApplied) == [false, false, false])

            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for migrator in migrators { group.addTask { try await migrator.migrate() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted { $0.count < $1.count } == [[], [1, 2, 3]])
            #expect(try await clients[0].count(from: "items") == 1)

            let status = try await migrators[1].status()
            #expect(status.map(\.version) == [1, 2, 3])
            #expect(status.allSatisfy { $0.isApplied && !$0.isUnknown })
            #expect(status.map(\.name) == ["create items", "seed", "index names"])
            #expect(try await migrators[0].migrate() == [])

            let fewer = try DatabaseMigrator(client: clients[0], migrations: Array(migrations(database).prefix(1)))
            #expect(try await fewer.status().map(\.isUnknown) == [false, true, true])
            for client in clients { try await client.close() }
        }
    }

    func failingMigrationRollsBack() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                let broken = migrations(database).prefix(2) + [Migration(3, "broken", sql: "CREATE TABLE nonsense (")]
                let migrator = try DatabaseMigrator(client: db, migrations: Array(broken))
                let error = try await #require(throws: DatabaseError.self) { try await migrator.migrate() }
                #expect(error.kind == .migrationFailed)
                #expect(error.message.contains("broken"))
                if engine == .mysql {
                    // MySQL commits around DDL, so each migration commits on its own: the
                    // ones before the failure stay applied, and recorded as such.
                    #expect(try await migrator.status().map(\.isApplied) == [true, true, false])
                    #expect(try await db.count(from: "items") == 1)
                    let fixed = try DatabaseMigrator(client: db, migrations: migrations(database))
                    #expect(try await fixed.migrate() == [3])
                } else {
                    #expect(try await migrator.status().map(\.isApplied) == [false, false, false])
                    // Migration 1 was rolled back with the rest: its table does not exist.
                    let missing = try await #require(throws: DatabaseError.self) { try await db.count(from: "items") }
                    #expect(missing.kind == .queryFailed)
                }
            }
        }
    }

    func readOnlyMigrator() async throws {
        try await TestDatabase.with(engine) { database in
            let db = try await database.open(readOnly: true)
            let migrator = try DatabaseMigrator(client: db, migrations: migrations(database))
            #expect(try await migrator.status().count == 3)
            let error = try await #require(throws: DatabaseError.self) { try await migrator.migrate() }
            #expect(error.kind == .readOnly)
            try await db.close()
        }
    }
}
