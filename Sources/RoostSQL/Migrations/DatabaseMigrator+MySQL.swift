import SQLKit

extension DatabaseMigrator {
    /// How long a MySQL migrator waits for another instance's run to finish, in seconds.
    static let mysqlLockTimeout = 600

    /// Applies the pending migrations on MySQL: under a named lock (`GET_LOCK`, one per
    /// database) held by one connection for the whole run, each migration in its own
    /// transaction on that connection together with its record.
    func migrateUnderNamedLock() async throws -> [Int] {
        try await client.driver.withConnection { connection in
            try await lock(connection)
            let done: [Int]
            do {
                try await client.transaction(on: connection) { try await createTable($0) }
                let applied = try await client.transaction(on: connection) { transaction in
                    Set(try await appliedRecords(transaction).map(\.version))
                }
                var versions: [Int] = []
                for migration in migrations where !applied.contains(migration.version) {
                    try await client.transaction(on: connection) { try await apply(migration, in: $0) }
                    versions.append(migration.version)
                }
                done = versions
            } catch {
                await unlock(connection)
                throw error
            }
            await unlock(connection)
            return done
        }
    }

    /// The lock's name: fixed text and a digest of the database name, within MySQL's
    /// 64-character limit, so migrations of different databases on one server do not wait
    /// for each other.
    private var lockName: SQLQueryString { "CONCAT('roost_migrations:', MD5(DATABASE()))" }

    private func lock(_ connection: PooledConnection) async throws {
        struct Locked: Decodable { var roost_locked: Int? }
        let row: (any SQLRow)?
        do {
            row = try await connection.sql.raw(
                "SELECT GET_LOCK(\(lockName), \(literal: Self.mysqlLockTimeout)) AS roost_locked"
            ).first()
        } catch {
            throw DatabaseError.translating(error, engine: client.engine)
        }
        let locked = try row.map { try DatabaseClient.decode($0, as: Locked.self) }?.roost_locked
        guard locked == 1 else {
            throw DatabaseError(
                .migrationFailed,
                "Another instance held the migration lock for \(Self.mysqlLockTimeout) seconds; check for a stuck migration (SELECT * FROM information_schema.metadata_lock_info) and retry."
            )
        }
    }

    /// Releases the lock; when that fails, closes the connection, which releases it too.
    private func unlock(_ connection: PooledConnection) async {
        do {
            try await connection.sql.raw("DO RELEASE_LOCK(\(lockName))").run()
        } catch {
            client.logger.warning(
                "Releasing the MySQL migration lock failed; closing its connection to release it",
                metadata: ["error": "\(error)"])
            await connection.discard()
        }
    }
}
