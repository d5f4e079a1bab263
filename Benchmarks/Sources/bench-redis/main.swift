import Foundation
import RoostRedis

// SET or GET throughput with N clients (one connection each) and a pipeline depth,
// on pooled connections. Prints {"ops_per_second": ...}.
// Usage: bench-redis URL CLIENTS PIPELINE REQUESTS set|get [held|send|lease]
// held (the default): each client holds one pooled connection for the whole run, the
// shape redis-benchmark measures;
// send: each command is `pool.send`, on the pool's shared connections (depth 1 only);
// lease: each command is `pool.send` with sharing off, so it leases a connection of its
// own for its round trip (depth 1 only).

let arguments = CommandLine.arguments
guard arguments.count == 6 || arguments.count == 7, let clients = Int(arguments[2]), let depth = Int(arguments[3]),
    let requests = Int(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: bench-redis URL CLIENTS PIPELINE REQUESTS set|get [held|send|lease]\n".utf8))
    exit(2)
}
let mode = arguments.count == 7 ? arguments[6] : "held"
let sendPerCommand = mode == "send" || mode == "lease"
let configuration = try RedisConnectionConfiguration(url: arguments[1])
let operation = arguments[5]
let value = String(repeating: "x", count: 3)  // redis-benchmark's default payload size
var poolConfiguration = RedisPoolConfiguration(connection: configuration)
poolConfiguration.minimumConnections = clients
poolConfiguration.maximumConnections = clients
if mode == "lease" { poolConfiguration.sharedConnections = 0 }
let pool = RedisConnectionPool(configuration: poolConfiguration)

let batchesPerClient = requests / clients / depth
let seconds = try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await pool.run() }
    defer { group.cancelAll() }
    _ = try await pool.send(RedisCommand("SET", "key:__rand_int__", .string(value)))
    // Each client sends through the pool, or holds one pooled connection for the whole
    // run as redis-benchmark's clients do.
    @Sendable func client(batches: Int) async throws {
        let command = operation == "get"
            ? RedisCommand("GET", "key:__rand_int__") : RedisCommand("SET", "key:__rand_int__", .string(value))
        if sendPerCommand {
            for _ in 0..<batches { try await pool.send(command) }
            return
        }
        try await pool.withConnection { connection in
            let batch = [RedisCommand](repeating: command, count: depth)
            for _ in 0..<batches {
                if depth == 1 {
                    try await connection.send(command)
                } else {
                    for result in try await connection.pipeline(batch) { _ = try result.get() }
                }
            }
        }
    }
    try await withThrowingTaskGroup(of: Void.self) { warm in  // open every connection first
        for _ in 0..<clients { warm.addTask { try await client(batches: 1) } }
        try await warm.waitForAll()
    }
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { timed in
        for _ in 0..<clients { timed.addTask { try await client(batches: batchesPerClient) } }
        try await timed.waitForAll()
    }
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
print(#"{"ops_per_second": \#(Double(batchesPerClient * clients * depth) / seconds)}"#)
