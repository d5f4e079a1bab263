// roost-migration-race: one OS process of the test that migrates one database from two
// processes at once (RoostSQLTests starts two of these).
//
//   roost-migration-race DATABASE_URL START_UNIX_MILLISECONDS
//       Opens a client, waits for the shared start time so that both processes migrate
//       together, applies the migrations below and prints "applied V1,V2,..." (nothing
//       after "applied" when the other process had already applied them).
import Foundation
import RoostSQL

let arguments = CommandLine.arguments
guard arguments.count == 3, let startMilliseconds = Double(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: roost-migration-race DATABASE_URL START_UNIX_MILLISECONDS\n".utf8))
    exit(2)
}
/// Reports a failure on standard error and exits 1, so the test shows what went wrong
/// rather than a crash report.
func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("roost-migration-race failed: \(error)\n".utf8))
    exit(1)
}
// The other process holds SQLite's write lock for its whole run, which on a loaded
// machine can outlast the 5 s default wait.
let db: DatabaseClient
do {
    db = try await DatabaseClient.open(try DatabaseURL(arguments[1])) { $0.busyTimeout = .seconds(120) }
} catch {
    fail(error)
}
let key =
    switch db.engine {
    case .postgres: "BIGSERIAL PRIMARY KEY"
    case .mysql: "BIGINT AUTO_INCREMENT PRIMARY KEY"
    case .sqlite: "INTEGER PRIMARY KEY"
    }
var migrations = [Migration(1, "create race_items", sql: "CREATE TABLE race_items (id \(key), name VARCHAR(64) NOT NULL)")]
for version in 2...20 {
    migrations.append(
        Migration(version, "seed \(version)") { tx in
            try await tx.execute("INSERT INTO race_items (name) VALUES (\(bind: "v\(version)"))")
        })
}
do {
    let migrator = try DatabaseMigrator(client: db, migrations: migrations)
    let wait = startMilliseconds / 1_000 - Date().timeIntervalSince1970
    if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1_000))) }
    let applied = try await migrator.migrate()
    print("applied " + applied.map(String.init).joined(separator: ","))
    try await db.close()
} catch {
    fail(error)
}
