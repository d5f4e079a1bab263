import Foundation
import RoostRedis

// SET or GET throughput with N clients (one connection each) and a pipeline depth,
// the shape redis-benchmark measures. Prints {"ops_per_second": ...}.
// Usage: bench-redis URL CLIENTS PIPELINE REQUESTS set|get

let arguments = CommandLine.arguments
guard arguments.count == 6, let clients = Int(arguments[2]), let depth = Int(arguments[3]),
    let requests = Int(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: bench-redis URL CLIENTS PIPELINE REQUESTS set|get\n".utf8))
    exit(2)
}
let configuration = try RedisConnectionConfiguration(url: arguments[1])
let operation = arguments[5]
let value = String(repeating: "x", count: 3)  // redis-benchmark's default payload size
let connections = try await withThrowingTaskGroup(of: RedisConnection.self) { group in
    for _ in 0..<clients { group.addTask { try await RedisConnection.connect(configuration: configuration) } }
    var all: [RedisConnection] = []
    for try await connection in group { all.append(connection) }
    return all
}
_ = try await connections[0].send("SET", "key:__rand_int__", .string(value))

let batchesPerClient = requests / clients / depth
let start = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for connection in connections {
        group.addTask {
            let command = operation == "get"
                ? RedisCommand("GET", "key:__rand_int__") : RedisCommand("SET", "key:__rand_int__", .string(value))
            let batch = [RedisCommand](repeating: command, count: depth)
            for _ in 0..<batchesPerClient {
                if depth == 1 {
                    try await connection.send(command)
                } else {
                    for result in try await connection.pipeline(batch) { _ = try result.get() }
                }
            }
        }
    }
    try await group.waitForAll()
}
let elapsed = start.duration(to: .now)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
for connection in connections { try await connection.close() }
print(#"{"ops_per_second": \#(Double(batchesPerClient * clients * depth) / seconds)}"#)
