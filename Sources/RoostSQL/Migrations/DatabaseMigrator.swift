import Foundation
import SQLKit

/// Applies ``Migration``s in version order and records each in `roost_migrations`.
///
/// ``migrate()`` runs every pending migration in one transaction under a lock, so when
/// several instances start at once exactly one migrates and the others find the work
/// done: PostgreSQL takes a transaction-scoped advisory lock, SQLite holds its write
/// lock from `BEGIN IMMEDIATE`. A failing migration rolls back the whole run.
///
/// ```swift
/// let migrator = try DatabaseMigrator(client: db, migrations: migrations)
/// let applied = try await migrator.migrate()
/// for status in try await migrator.status() { print(status) }
/// ```
public struct DatabaseMigrator: Sendable {
    /// The table recording applied migrations.
    public static let table = "roost_migrations"
    /// The PostgreSQL advisory lock key held while migrating (`roost_migrations` as bytes).
    static let advisoryLockKey: Int64 = 0x726F_6F73_745F_6D69

    /// The client migrated.
    public let client: DatabaseClient
    /// The migrations, sorted by version.
    public let migrations: [Migration]

    /// Creates a migrator.
    ///
    /// - Throws: ``DatabaseError`` (``DatabaseError/Kind/migrationFailed``) when two
    ///   migrations share a version or a version is not positive.
    public init(client: DatabaseClient, migrations: [Migration]) throws {
        var seen: Set<Int> = []
        for migration in migrations {
            guard migration.version > 0 else {
                throw DatabaseError(
                    .migrationFailed, "Migration '\(migration.name)' has version \(migration.version); use a positive number.")
            }
            guard seen.insert(migration.version).inserted else {
                throw DatabaseError(
                    .migrationFailed, "Two migrations have version \(migration.version); give each a unique version.")
            }
        }
        self.client = client
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration and returns the versions applied (empty when the
    /// database was already current, for example because another instance migrated it).
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withTransaction { transaction in
            if client.engine == .postgres {
                try await transaction.execute("SELECT pg_advisory_xact_lock(\(literal: Self.advisoryLockKey))")
            }
            try await transaction.sql.create(table: Self.table).ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .timestamp, .notNull)
                .run()
            let applied = Set(try await appliedRecords(transaction).map(\.version))
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                do {
                    try await migration.apply(transaction)
                } catch {
                    throw DatabaseError(
                        .migrationFailed,
                        "Migration \(migration.version) '\(migration.name)' failed, so no migration of this run was applied: \(error)",
                        underlying: error)
                }
                try await transaction.sql.insert(into: Self.table)
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(Int64(migration.version)), SQLBind(migration.name), SQLBind(Date()))
                    .run()
                done.append(migration.version)
            }
            return done
        }
    }

    /// Every known migration with whether it is applied, followed by applied versions
    /// this program does not know; read-only clients may call it.
    public func status() async throws -> [MigrationStatus] {
        let records = try await tableExists() ? try await appliedRecords(client) : []
        let byVersion = Dictionary(records.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let known = Set(migrations.map(\.version))
        let statuses = migrations.map { migration in
            MigrationStatus(
                version: migration.version, name: migration.name, appliedAt: byVersion[migration.version]?.appliedAt,
                isUnknown: false)
        }
        let unknown = records.filter { !known.contains($0.version) }.map {
            MigrationStatus(version: $0.version, name: $0.name, appliedAt: $0.appliedAt, isUnknown: true)
        }
        return statuses + unknown
    }

    private struct Record: Decodable {
        var version: Int
        var name: String
        var appliedAt: Date

        enum CodingKeys: String, CodingKey {
            case version, name
            case appliedAt = "applied_at"
        }
    }

    private func appliedRecords(_ executor: some DatabaseExecutor) async throws -> [Record] {
        try await executor.select(
            "SELECT version, name, applied_at FROM \(ident: Self.table) ORDER BY version", as: Record.self)
    }

    private func tableExists() async throws -> Bool {
        let query: SQLQueryString =
            switch client.engine {
            case .postgres: "SELECT COUNT(*) AS roost_count FROM pg_tables WHERE tablename = \(bind: Self.table) AND schemaname = current_schema()"
            default: "SELECT COUNT(*) AS roost_count FROM sqlite_master WHERE type = 'table' AND name = \(bind: Self.table)"
            }
        struct Count: Decodable { var roost_count: Int }
        return try await client.find(query, as: Count.self).map { $0.roost_count > 0 } ?? false
    }
}
