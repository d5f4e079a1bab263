import RoostSQL
import RoostTestSupport
import Testing

/// The contract on a SQLite file; always runs.
@Suite struct SQLiteContractTests {
    let contract = DatabaseContract(engine: .sqlite)

    @Test func crud() async throws { try await contract.crud() }
    @Test func insertShapes() async throws { try await contract.insertShapes() }
    @Test func rowDecoding() async throws { try await contract.rowDecoding() }
    @Test func constraintViolation() async throws { try await contract.constraintViolation() }
    @Test func types() async throws { try await contract.types() }
    @Test func nulls() async throws { try await contract.nulls() }
    @Test func commitAndRollback() async throws { try await contract.commitAndRollback() }
    @Test func nestedAndSavepoints() async throws { try await contract.nestedAndSavepoints() }
    @Test func rollbackOnCancellation() async throws { try await contract.rollbackOnCancellation() }
    @Test func concurrentWriters() async throws { try await contract.concurrentWriters() }
    @Test func readOnly() async throws { try await contract.readOnly() }
    @Test func closedClient() async throws { try await contract.closedClient() }
    @Test func exhaustedPool() async throws { try await contract.exhaustedPool() }
    @Test func migrateConcurrently() async throws { try await contract.migrateConcurrently() }
    @Test func failingMigrationRollsBack() async throws { try await contract.failingMigrationRollsBack() }
    @Test func readOnlyMigrator() async throws { try await contract.readOnlyMigrator() }
    @Test func migrateFromTwoProcesses() async throws { try await contract.migrateFromTwoProcesses() }
}

/// The same contract on the PostgreSQL server from `ROOST_TEST_POSTGRES_URL`.
@Suite(.requires(.postgres)) struct PostgresContractTests {
    let contract = DatabaseContract(engine: .postgres)

    @Test func crud() async throws { try await contract.crud() }
    @Test func insertShapes() async throws { try await contract.insertShapes() }
    @Test func rowDecoding() async throws { try await contract.rowDecoding() }
    @Test func constraintViolation() async throws { try await contract.constraintViolation() }
    @Test func types() async throws { try await contract.types() }
    @Test func nulls() async throws { try await contract.nulls() }
    @Test func commitAndRollback() async throws { try await contract.commitAndRollback() }
    @Test func nestedAndSavepoints() async throws { try await contract.nestedAndSavepoints() }
    @Test func rollbackOnCancellation() async throws { try await contract.rollbackOnCancellation() }
    @Test func concurrentWriters() async throws { try await contract.concurrentWriters() }
    @Test func readOnly() async throws { try await contract.readOnly() }
    @Test func closedClient() async throws { try await contract.closedClient() }
    @Test func exhaustedPool() async throws { try await contract.exhaustedPool() }
    @Test func migrateConcurrently() async throws { try await contract.migrateConcurrently() }
    @Test func failingMigrationRollsBack() async throws { try await contract.failingMigrationRollsBack() }
    @Test func readOnlyMigrator() async throws { try await contract.readOnlyMigrator() }
    @Test func migrateFromTwoProcesses() async throws { try await contract.migrateFromTwoProcesses() }
}

/// The same contract on the MariaDB server from `ROOST_TEST_MYSQL_URL`.
@Suite(.requires(.mysql)) struct MySQLContractTests {
    let contract = DatabaseContract(engine: .mysql)

    @Test func crud() async throws { try await contract.crud() }
    @Test func insertShapes() async throws { try await contract.insertShapes() }
    @Test func rowDecoding() async throws { try await contract.rowDecoding() }
    @Test func constraintViolation() async throws { try await contract.constraintViolation() }
    @Test func types() async throws { try await contract.types() }
    @Test func nulls() async throws { try await contract.nulls() }
    @Test func commitAndRollback() async throws { try await contract.commitAndRollback() }
    @Test func nestedAndSavepoints() async throws { try await contract.nestedAndSavepoints() }
    @Test func rollbackOnCancellation() async throws { try await contract.rollbackOnCancellation() }
    @Test func concurrentWriters() async throws { try await contract.concurrentWriters() }
    @Test func readOnly() async throws { try await contract.readOnly() }
    @Test func closedClient() async throws { try await contract.closedClient() }
    @Test func exhaustedPool() async throws { try await contract.exhaustedPool() }
    @Test func migrateConcurrently() async throws { try await contract.migrateConcurrently() }
    @Test func failingMigrationRollsBack() async throws { try await contract.failingMigrationRollsBack() }
    @Test func readOnlyMigrator() async throws { try await contract.readOnlyMigrator() }
    @Test func migrateFromTwoProcesses() async throws { try await contract.migrateFromTwoProcesses() }
}
