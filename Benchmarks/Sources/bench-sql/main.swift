// RoostSQL against the driver underneath it, for `scripts/bench sql`: CLIENTS tasks run
// QUERIES operations in total and print operations per second as JSON.
//
//   bench-sql URL setup
//   bench-sql URL CLIENTS QUERIES point|insert roost|raw|pool
//
// point: `SELECT id, name, value FROM bench_points WHERE id = ?`, the row decoded
// insert: one row into bench_inserts, its new id read back
// roost: one DatabaseClient (a pool of CLIENTS connections) shared by every task
// raw:   each task holds its own connection of the engine's driver (sqlite-nio,
//        postgres-nio, RoostMySQL), with the same statements and binds
// pool:  the driver's own pool of CLIENTS connections, a lease per operation like
//        RoostSQL (postgres-nio's PostgresClient, RoostMySQL's MySQLConnectionPool)
import Foundation
import Logging
import NIOPosix
import PostgresNIO
import RoostMySQL
import RoostSQL
import SQLiteNIO

struct Point: Codable, Sendable { var id: Int64; var name: String; var value: Int64 }
struct NewRow: Codable, Sendable { var name: String; var value: Int64 }

/// One operation for a key; returns a number that feeds a checksum.
typealias Operation = @Sendable (Int) async throws -> Int

let arguments = CommandLine.arguments
func usage() -> Never {
    FileHandle.standardError.write(Data("usage: bench-sql URL setup | bench-sql URL CLIENTS QUERIES point|insert roost|raw\n".utf8))
    exit(2)
}
guard arguments.count >= 3 else { usage() }
let url = try DatabaseURL(arguments[1])
let logger = Logger(label: "bench-sql")

if arguments[2] == "setup" {
    let db = try await DatabaseClient.open(url)
    let key =
        switch url.engine {
        case .postgres: "BIGSERIAL PRIMARY KEY"
        case .mysql: "BIGINT AUTO_INCREMENT PRIMARY KEY"
        case .sqlite: "INTEGER PRIMARY KEY"
        }
    try await db.execute("DROP TABLE IF EXISTS bench_points")
    try await db.execute("DROP TABLE IF EXISTS bench_inserts")
    try await db.execute("CREATE TABLE bench_points (id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, value BIGINT NOT NULL)")
    try await db.execute(SQLQueryString("CREATE TABLE bench_inserts (id \(key), name VARCHAR(32) NOT NULL, value BIGINT NOT NULL)"))
    try await db.withTransaction { tx in
        for id in 1...1000 {
            try await tx.execute(
                "INSERT INTO bench_points (id, name, value) VALUES (\(bind: Int64(id)), \(bind: "point-\(id)"), \(bind: Int64(id * 3)))")
        }
    }
    try await db.close()
    exit(0)
}

guard arguments.count == 6, let clients = Int(arguments[2]), let queries = Int(arguments[3]) else { usage() }
let mode = arguments[4]
let facade = arguments[5] == "roost"
let pooled = arguments[5] == "pool"
let perClient = queries / clients
let pointSQL = "SELECT id, name, value FROM bench_points WHERE id = ?"
let insertSQL = "INSERT INTO bench_inserts (name, value) VALUES (?, ?)"

/// The server address of a server URL.
func server() -> DatabaseURL.ServerAddress {
    guard case .server(let address) = url.location else { usage() }
    return address
}

/// The driver's own pool, when measuring it, and the task that runs it.
func makePool() -> (Operation, @Sendable () async -> Void)? {
    guard pooled, case .server(let address) = url.location else { return nil }
    if url.engine == .postgres {
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.username ?? "postgres", password: address.password,
            database: address.database, tls: .disable)
        configuration.options.maximumConnections = clients
        configuration.options.minimumConnections = clients
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        if mode == "point" {
            return ({ key in
                let rows = try await client.query("SELECT id, name, value FROM bench_points WHERE id = \(Int64(key))")
                var sum = 0
                for try await (_, name, value) in rows.decode((Int64, String, Int64).self) { sum = Int(value) &+ name.utf8.count }
                return sum
            }, { await client.run() })
        }
        return ({ key in
            let name = "row-\(key)"
            let rows = try await client.query(
                "INSERT INTO bench_inserts (name, value) VALUES (\(name), \(Int64(key))) RETURNING id")
            var id = 0
            for try await (value) in rows.decode(Int64.self) { id = Int(value) }
            return id
        }, { await client.run() })
    }
    var configuration = MySQLPoolConfiguration(
        connection: MySQLConfiguration(
            host: address.host, port: address.port, username: address.username ?? "root", password: address.password ?? "",
            database: address.database))
    configuration.maximumConnections = clients
    configuration.minimumConnections = clients
    configuration.resetsReturnedConnections = false
    let pool = MySQLConnectionPool(configuration: configuration)
    let run: @Sendable () async -> Void = {
        do { try await pool.run() } catch { logger.error("pool stopped: \(error)") }
    }
    if mode == "point" {
        return ({ key in
            let row = try await pool.query(pointSQL, [key]).rows[0]
            _ = try row["id"].decode(Int64.self)
            return try row["value"].decode(Int.self) &+ row["name"].decode(String.self).utf8.count
        }, run)
    }
    return ({ key in Int(try await pool.query(insertSQL, ["row-\(key)", key]).lastInsertID) }, run)
}

/// One client's operation and how to close what it opened.
func makeClient(_ client: Int, shared db: DatabaseClient?) async throws -> (Operation, @Sendable () async throws -> Void) {
    if let db {
        if mode == "point" {
            return ({ key in
                let point = try await db.find("SELECT id, name, value FROM bench_points WHERE id = \(bind: Int64(key))", as: Point.self)
                return Int(point?.value ?? 0) &+ (point?.name.utf8.count ?? 0)
            }, {})
        }
        return ({ key in Int(try await db.insert(into: "bench_inserts", NewRow(name: "row-\(key)", value: Int64(key)))) }, {})
    }
    switch url.location {
    case .sqliteFile(let path):
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threadPool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.next())
        _ = try await connection.query("PRAGMA busy_timeout = 5000", [SQLiteData]()).get()
        let close: @Sendable () async throws -> Void = {
            try await connection.close()
            try await threadPool.shutdownGracefully()
        }
        if mode == "point" {
            return ({ key in
                let rows = try await connection.query(pointSQL, [SQLiteData.integer(key)]).get()
                let row = rows[0]
                return (row.column("value")?.integer ?? 0) &+ (row.column("name")?.string?.utf8.count ?? 0)
                    &+ (row.column("id")?.integer ?? 0) * 0
            }, close)
        }
        return ({ key in
            _ = try await connection.query(insertSQL, [SQLiteData.text("row-\(key)"), SQLiteData.integer(key)]).get()
            return try await connection.lastAutoincrementID()
        }, close)
    case .server(let address) where url.engine == .postgres:
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.username ?? "postgres", password: address.password,
            database: address.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: client, logger: logger)
        let close: @Sendable () async throws -> Void = { try await connection.close() }
        if mode == "point" {
            return ({ key in
                let rows = try await connection.query(
                    "SELECT id, name, value FROM bench_points WHERE id = \(Int64(key))", logger: logger)
                var sum = 0
                for try await (_, name, value) in rows.decode((Int64, String, Int64).self) { sum = Int(value) &+ name.utf8.count }
                return sum
            }, close)
        }
        return ({ key in
            let name = "row-\(key)"
            let rows = try await connection.query(
                "INSERT INTO bench_inserts (name, value) VALUES (\(name), \(Int64(key))) RETURNING id", logger: logger)
            var id = 0
            for try await (value) in rows.decode(Int64.self) { id = Int(value) }
            return id
        }, close)
    default:
        let address = server()
        let configuration = MySQLConfiguration(
            host: address.host, port: address.port, username: address.username ?? "root", password: address.password ?? "",
            database: address.database)
        let connection = try await MySQLConnection.connect(configuration: configuration, logger: logger)
        let close: @Sendable () async throws -> Void = { try await connection.close() }
        if mode == "point" {
            return ({ key in
                let row = try await connection.query(pointSQL, [key]).rows[0]
                _ = try row["id"].decode(Int64.self)
                return try row["value"].decode(Int.self) &+ row["name"].decode(String.self).utf8.count
            }, close)
        }
        return ({ key in Int(try await connection.query(insertSQL, ["row-\(key)", key]).lastInsertID) }, close)
    }
}

let db = facade ? try await DatabaseClient.open(url) { $0.maxConnections = clients; $0.minConnections = clients; $0.queryLogLevel = nil } : nil
let pool = makePool()
var operations: [Operation] = []
var closers: [@Sendable () async throws -> Void] = []
if let pool {
    operations = Array(repeating: pool.0, count: clients)
} else {
    for client in 0..<clients {
        let (operation, close) = try await makeClient(client, shared: db)
        operations.append(operation)
        closers.append(close)
    }
}
let prepared = operations

/// Runs `count` operations on every client at once; returns the checksum.
func round(_ count: Int, offset: Int) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for (client, operation) in prepared.enumerated() {
            group.addTask {
                var checksum = 0
                for index in 0..<count {
                    checksum &+= try await operation((client * 7919 + index + offset) % 1000 + 1)
                }
                return checksum
            }
        }
        return try await group.reduce(0, &+)
    }
}

let elapsed = try await withThrowingTaskGroup(of: Void.self) { group in
    if let pool { group.addTask { await pool.1() } }
    _ = try await round(50, offset: 0)
    let clock = ContinuousClock()
    let started = clock.now
    let checksum = try await round(perClient, offset: 13)
    let elapsed = clock.now - started
    precondition(checksum != 0, "no work was done")
    group.cancelAll()
    return elapsed
}
for close in closers { try await close() }
try await db?.close()
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("{\"ops_per_second\": \(Double(perClient * clients) / seconds)}")
