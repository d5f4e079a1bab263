@testable import RoostSQL
import Testing

/// What a read-only client refuses before sending.
@Suite struct StatementClassifierTests {
    @Test(arguments: [
        "SELECT * FROM items", "  select 1", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1)",
        "SELECT 'insert into t' AS text", "SELECT \"update\" FROM t", "-- DELETE\nSELECT 1", "/* drop */ SELECT 1",
        "SELECT $1", "SELECT $$delete$$", "BEGIN", "COMMIT", "ROLLBACK TO SAVEPOINT s", "PRAGMA journal_mode",
        "SHOW server_version", "EXPLAIN SELECT 1", "SELECT updated_at FROM t",
    ])
    func reads(sql: String) {
        #expect(StatementClassifier.isReadOnly(sql))
    }

    @Test(arguments: [
        "INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "CREATE TABLE t (a INT)", "DROP TABLE t",
        "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "SELECT 1; DELETE FROM t", "SELECT * FROM t FOR UPDATE",
        "SELECT * INTO copy FROM t", "PRAGMA journal_mode = DELETE", "TRUNCATE t", "COPY t FROM STDIN", "",
        "SET default_transaction_read_only = off", "SELECT nextval('s')", "VACUUM",
    ])
    func writes(sql: String) {
        #expect(!StatementClassifier.isReadOnly(sql))
    }
}
