import Foundation
import RoostCoordination
import RoostRedis

// Coordination primitives on Redis beside the raw round trips they are built from, with
// the same client. Each of CLIENTS connections works on its own key (uncontended).
// Prints {"lock": ..., "lock-floor": ..., "limiter-...": ..., "limiter-floor": ...}
// in operations per second (a lock operation is one acquire plus its release).
// Usage: bench-coordination URL CLIENTS ITERATIONS

let arguments = CommandLine.arguments
guard arguments.count == 4, let clients = Int(arguments[2]), let iterations = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: bench-coordination URL CLIENTS ITERATIONS\n".utf8))
    exit(2)
}
let configuration = try RedisConnectionConfiguration(url: arguments[1])
let connections = try await withThrowingTaskGroup(of: RedisConnection.self) { group in
    for _ in 0..<clients { group.addTask { try await RedisConnection.connect(configuration: configuration) } }
    var all: [RedisConnection] = []
    for try await connection in group { all.append(connection) }
    return all
}

/// Runs `operation(connection, client index, iteration)` ITERATIONS times on every
/// connection at once; returns operations per second.
func measure(_ operation: @escaping @Sendable (RedisConnection, Int, Int) async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, connection) in connections.enumerated() {
            group.addTask {
                for iteration in 0..<iterations { try await operation(connection, index, iteration) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = start.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(clients * iterations) / seconds).rounded()
}

let run = UUID().uuidString
// The floor of a lock: SET NX PX, then a token-checked delete by EVALSHA.
let release = RedisScript(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0")
// The floor of a limiter check: one EVALSHA that touches its key.
let floorScript = RedisScript("return redis.call('INCR', KEYS[1])")

var results: [String: Double] = [:]
for round in 0..<2 {  // the first round warms up connections and script caches
    var current: [String: Double] = [:]
    current["lock-floor"] = try await measure { connection, client, _ in
        let key = "bench:\(run):floor:\(client)"
        _ = try await connection.send(RedisCommand("SET", .string(key), "t", "NX", "PX", 10_000), timeout: nil)
        _ = try await release.run(on: connection, keys: [key], arguments: ["t"])
    }
    current["lock"] = try await measure { connection, client, _ in
        let lock = RedisLock(client: connection, namespace: "bench:\(run):lock:")
        guard let lease = try await lock.tryAcquire("k\(client)", ttl: .seconds(10)) else { fatalError("lock held") }
        try await lock.release(lease)
    }
    current["limiter-floor"] = try await measure { connection, client, _ in
        _ = try await floorScript.run(on: connection, keys: ["bench:\(run):incr:\(client)"])
    }
    let strategies: [(String, RateLimitStrategy)] = [
        ("limiter-fixed-window", .fixedWindow(limit: 1_000_000_000, window: .seconds(600))),
        ("limiter-sliding-window", .slidingWindow(limit: 1_000_000_000, window: .seconds(600))),
        ("limiter-token-bucket", .tokenBucket(capacity: 1_000_000_000, refill: 1, interval: .seconds(1))),
    ]
    for (name, strategy) in strategies {
        current[name] = try await measure { connection, client, _ in
            let limiter = RedisRateLimiter(client: connection, strategy: strategy, namespace: "bench:\(run):\(name):")
            _ = try await limiter.acquire("k\(client)")
        }
    }
    if round == 1 { results = current }
}
for connection in connections { try await connection.close() }
let body = results.keys.sorted().map { "\"\($0)\": \(Int(results[$0]!))" }.joined(separator: ", ")
print("{\(body)}")
