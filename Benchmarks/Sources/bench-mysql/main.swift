// RoostMySQL throughput for `scripts/bench mysql`: CLIENTS tasks, each holding one pooled
// connection, run QUERIES statements in total and print queries per second as JSON.
//
//   bench-mysql URL CLIENTS QUERIES point|range
//
// point: `SELECT id, name, value FROM bench_points WHERE id = ?` (prepared, cached)
// range: `SELECT id, name, value FROM bench_points` (1,000 rows, text protocol), rows decoded
import Foundation
import RoostMySQL

let arguments = CommandLine.arguments
guard arguments.count == 5, let clients = Int(arguments[2]), let queries = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: bench-mysql URL CLIENTS QUERIES point|range\n".utf8))
    exit(2)
}
let mode = arguments[4]
var poolConfiguration = MySQLPoolConfiguration(connection: try MySQLConfiguration(url: arguments[1]))
poolConfiguration.maximumConnections = clients
let pool = MySQLConnectionPool(configuration: poolConfiguration)
let perClient = queries / clients

/// One client's loop on its own connection; returns a checksum so no work is skipped.
@Sendable func work(_ client: Int, count: Int) async throws -> Int {
    try await pool.withConnection { connection in
        var checksum = 0
        for index in 0..<count {
            if mode == "point" {
                let id = (client * 7919 + index) % 1000 + 1
                let result = try await connection.query("SELECT id, name, value FROM bench_points WHERE id = ?", [id])
                checksum &+= try result.rows[0]["value"].decode(Int.self)
            } else {
                let result = try await connection.query("SELECT id, name, value FROM bench_points")
                for row in result.rows { checksum &+= try row[2].decode(Int.self) }
            }
        }
        return checksum
    }
}

let seconds = try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await pool.run() }
    // Warm-up: open every connection and prepare the statement on it.
    try await withThrowingTaskGroup(of: Int.self) { warm in
        for client in 0..<clients { warm.addTask { try await work(client, count: 20) } }
        try await warm.waitForAll()
    }
    let clock = ContinuousClock()
    let started = clock.now
    try await withThrowingTaskGroup(of: Int.self) { timed in
        for client in 0..<clients { timed.addTask { try await work(client, count: perClient) } }
        var total = 0
        for try await checksum in timed { total &+= checksum }
        precondition(total != 0, "no rows were read")
    }
    let elapsed = clock.now - started
    group.cancelAll()
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
print("{\"queries_per_second\": \(Double(perClient * clients) / seconds)}")
