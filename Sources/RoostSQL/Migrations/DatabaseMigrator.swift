import Foundation
import SQLKit

/// Applies ``Migration``s in version order and records each in `roost_migrations`.
///
/// ``migrate()`` runs every pending migration in one transaction under a lock, so when
/// several instances start at once exactly one migrates and the others find the work
/// done: PostgreSQL takes a transaction-scoped advisory lock, SQLite holds its write
/// lock from `BEGIN IMMEDIATE`. A failing migration rolls back the whole run.
///
/// MySQL commits implicitly around every DDL statement, so one transaction cannot hold a
/// run there. Instead the migrator takes a named lock (`GET_LOCK`) on one connection for
/// the whole run and applies each migration in a transaction of its own, recorded in the
/// same transaction: a failing migration leaves the ones before it applied and recorded,
/// and its own DDL (not its data changes) may remain. Keep MySQL migrations to one DDL
/// statement each, or make them idempotent.
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
        if client.engine == .mysql { return try await migrateUnderNamedLock() }
        return try await client.withTransaction { transaction in
            if client.engine == .postgres {
                try await transaction.execute("SELECT pg_advisory_xact_lock(\(literal: Self.advisoryLockKey))")
            }
            try await createTable(transaction)
            let applied = Set(try await appliedRecords(transaction).map(\.version))
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                try await apply(migration, in: transaction)
                done.append(migration.version)
            }
            return done
        }
    }

    func createTable(_ executor: some DatabaseExecutor) async throws {
        try await executor.sql.create(table: Self.table).ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("applied_at", type: .timestamp, .notNull)
            .run()
    }

    /// Applies `migration` and records it, both in `transaction`.
    func apply(_ migration: Migration, in transaction: DatabaseTransaction) async throws {
        do {
            try await migration.apply(transaction)
        } catch {
            let outcome =
                client.engine == .mysql
                ? "so it and the migrations after it were not applied" : "so no migration of this run was applied"
            throw DatabaseError(
                .migrationFailed, "Migration \(migration.version) '\(migration.name)' failed, \(outcome): \(error)",
                underlying: error)
        }
        try await transaction.sql.insert(into: Self.table)
            .columns("version", "name", "applied_at")
            .values(SQLBind(Int64(migration.version)), SQLBind(migration.name), SQLBind(Date()))
            .run()
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

    struct Record: Decodable {
        var version: Int
        var name: String
        var appliedAt: Date

        enum CodingKeys: String, CodingKey {
            case version, name
            case appliedAt = "applied_at"
        }
    }

    func appliedRecords(_ executor: some DatabaseExecutor) async throws -> [Record] {
        try await executor.select(
            "SELECT version, name, applied_at FROM \(ident: Self.table) ORDER BY version", as: Record.self)
    }

    private func tableExists() async throws -> Bool {
        let query: SQLQueryString =
            switch client.engine {
            case .postgres: "SELECT COUNT(*) AS roost_count FROM pg_tables WHERE tablename = \(bind: Self.table) AND schemaname = current_schema()"
            case .mysql: "SELECT COUNT(*) AS roost_count FROM information_schema.tables WHERE table_name = \(bind: Self.table) AND table_schema = DATABASE()"
            default: "SELECT COUNT(*) AS roost_count FROM sqlite_master WHERE type = 'table' AND name = \(bind: Self.table)"
            }
        struct Count: Decodable { var roost_count: Int }
        return try await client.find(query, as: Count.self).map { $0.roost_count > 0 } ?? false
    }
}
