import Foundation
import RoostCoordination
import RoostRedis

// Coordination primitives on Redis beside the raw round trips they are built from, with
// the same client. Each of CLIENTS tasks works on its own key (uncontended).
// Prints {"lock": ..., "lock-floor": ..., "lock-ratio": ..., "limiter-...": ...}: the
// medians of each primitive and of its floors in operations per second (a lock operation
// is one acquire plus its release), and the median of their ratios round by round; a
// limiter's second floor, the INCR script, has keys ending "-incr-floor", "-incr-ratio".
// Usage: bench-coordination URL CLIENTS ITERATIONS [pool|connections]
// ROUNDS (environment, default 15): rounds of measurement after one warm-up round;
// CHUNKS (default 5): the short runs each side of a round is split into;
// VERBOSE (environment, set): every round's ratios on standard error.
// pool (the default): every task sends through one RedisConnectionPool, as a service
// gives its locks and limiters their client; connections: each task has a connection
// of its own.

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5, let clients = Int(arguments[2]), let iterations = Int(arguments[3])
else {
    FileHandle.standardError.write(Data("usage: bench-coordination URL CLIENTS ITERATIONS [pool|connections]\n".utf8))
    exit(2)
}
let configuration = try RedisConnectionConfiguration(url: arguments[1])
let throughPool = arguments.count == 4 || arguments[4] == "pool"
var poolConfiguration = RedisPoolConfiguration(connection: configuration)
poolConfiguration.maximumConnections = clients
let pool = RedisConnectionPool(configuration: poolConfiguration)
let connections = try await withThrowingTaskGroup(of: RedisConnection.self) { group in
    for _ in 0..<(throughPool ? 0 : clients) { group.addTask { try await RedisConnection.connect(configuration: configuration) } }
    var all: [RedisConnection] = []
    for try await connection in group { all.append(connection) }
    return all
}

/// Each task's client: the shared pool, or its own connection.
let senders: [any RedisCommandSender] = throughPool ? Array(repeating: pool, count: clients) : connections

/// One operation of a task: `(client, task index)`.
typealias Operation = @Sendable (any RedisCommandSender, Int) async throws -> Void

/// Runs `operation(client, task index)` `count` times in every task at once; returns the
/// seconds it took.
func measure(_ operation: @escaping Operation, count: Int) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, sender) in senders.enumerated() {
            group.addTask {
                for _ in 0..<count { try await operation(sender, index) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let run = UUID().uuidString
// The floor of a lock: SET NX PX, then a token-checked delete by EVALSHA.
let release = RedisScript(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0")
// The cheapest limiter check: one EVALSHA that increments its key.
let incrScript = RedisScript("return redis.call('INCR', KEYS[1])")

/// A primitive and the floors it is measured against, each named by the suffix of its
/// keys in the output ("" for the floor the target is set against).
struct Entry {
    let name: String
    let operation: Operation
    let floors: [(suffix: String, operation: Operation)]
}
let lockFloor: Operation = { client, index in
    let key = "bench:\(run):floor:\(index)"
    _ = try await client.send(RedisCommand("SET", .string(key), "t", "NX", "PX", 10_000), timeout: nil)
    _ = try await release.run(on: client, keys: [key], arguments: ["t"])
}
let incrFloor: Operation = { client, index in
    _ = try await incrScript.run(on: client, keys: ["bench:\(run):incr:\(index)"])
}
// Each task makes its lock and limiters once, as a service does, and reuses them.
let locks = senders.map { RedisLock(client: $0, namespace: "bench:\(run):lock:") }
var entries = [
    Entry(
        name: "lock",
        operation: { _, index in
            guard let lease = try await locks[index].tryAcquire("k\(index)", ttl: .seconds(10)) else {
                fatalError("lock held")
            }
            try await locks[index].release(lease)
        }, floors: [("", lockFloor)])
]
let strategies: [(String, RateLimitStrategy)] = [
    ("limiter-fixed-window", .fixedWindow(limit: 1_000_000_000, window: .seconds(600))),
    ("limiter-sliding-window", .slidingWindow(limit: 1_000_000_000, window: .seconds(600))),
    ("limiter-approximate-sliding-window", .approximateSlidingWindow(limit: 50_000_000, window: .seconds(600))),
    ("limiter-token-bucket", .tokenBucket(capacity: 1_000_000_000, refill: 1, interval: .seconds(1))),
    // 3 tokens a second: a token takes a fractional number of ms, which costs a GET more.
    ("limiter-token-bucket-fractional", .tokenBucket(capacity: 1_000_000_000, refill: 3, interval: .seconds(1))),
]
// A limiter check has two floors: its own script sent by EVALSHA with the same client
// (one EVALSHA per check: what the limiter adds to it), and the INCR script (what the
// strategy's script costs the server beyond the cheapest one).
for (name, strategy) in strategies {
    let limiters = senders.map { RedisRateLimiter(client: $0, strategy: strategy, namespace: "bench:\(run):\(name):") }
    let script = limiters[0].script
    let twoKeys = if case .slidingWindow = strategy { true } else { false }
    let scriptFloor: Operation = { client, index in
        let key = "bench:\(run):\(name):raw:\(index)"
        _ = try await script.run(on: client, keys: twoKeys ? [key, key + ":total"] : [key])
    }
    entries.append(
        Entry(
            name: name, operation: { _, index in _ = try await limiters[index].acquire("k\(index)") },
            floors: [("", scriptFloor), ("-incr", incrFloor)]))
}
// ONLY (environment): a comma-separated list of the entries to measure, e.g. "lock".
let environment = ProcessInfo.processInfo.environment
if let only = environment["ONLY"]?.split(separator: ",").map(String.init) {
    entries.removeAll { !only.contains($0.name) }
}

// Each primitive is measured beside its floors, entry by entry, over ROUNDS rounds. The
// machine's speed drifts by a fifth or more within a second, so a round alternates
// them in CHUNKS short runs (ITERATIONS / CHUNKS operations per task each), rotating
// which goes first; each side's time is summed over the round, and a ratio is the
// primitive's rate over the floor's in that round. The medians over the rounds are
// reported. A warm-up round (connections, script caches) is dropped.
let roundCount = Int(environment["ROUNDS"] ?? "") ?? 15
let chunks = Int(environment["CHUNKS"] ?? "") ?? 5
let chunkSize = max(1, iterations / chunks)
var rates: [String: [Double]] = [:]
var ratios: [String: [Double]] = [:]
try await withThrowingTaskGroup(of: Void.self) { running in
    running.addTask { try await pool.run() }
    for round in 0...roundCount {
        for entry in entries {
            let sides = [("", entry.operation)] + entry.floors.map { ("\($0.suffix)-floor", $0.operation) }
            var seconds = Array(repeating: 0.0, count: sides.count)
            for chunk in 0..<chunks {
                for step in 0..<sides.count {
                    let side = (round * chunks + chunk + step) % sides.count
                    seconds[side] += try await measure(sides[side].1, count: chunkSize)
                }
            }
            guard round > 0 else { continue }
            for (side, (suffix, _)) in sides.enumerated() {
                rates[entry.name + suffix, default: []].append(Double(clients * chunkSize * chunks) / seconds[side])
            }
            for (floor, (suffix, _)) in entry.floors.enumerated() {
                ratios["\(entry.name)\(suffix)-ratio", default: []].append(seconds[floor + 1] / seconds[0])
            }
        }
    }
    running.cancelAll()
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
var results = rates.mapValues { median($0).rounded() }
for (name, values) in ratios {
    if environment["VERBOSE"] != nil {
        let text = values.map { String(format: "%.2f", $0) }.joined(separator: " ")
        FileHandle.standardError.write(Data("\(name): \(text)\n".utf8))
    }
    results[name] = (median(values) * 1000).rounded() / 1000
}
for connection in connections { try await connection.close() }

// Event bus: one subscriber; latency of one event at a time (publish → handled), and
// throughput with CLIENTS publishers.
struct Ping: Event {
    static let eventType = "bench.ping"
    let sent: Int64
}

func nanoseconds() -> Int64 {
    let now = ContinuousClock.now.duration(to: start)
    return -(now.components.seconds * 1_000_000_000 + now.components.attoseconds / 1_000_000_000)
}
let start = ContinuousClock.now
var busConfiguration = RedisEventBus.Configuration(connection: configuration)
busConfiguration.namespace = "bench:\(run):events:"
busConfiguration.maximumPublishConnections = clients
let bus = RedisEventBus(configuration: busConfiguration)

/// Publishes `count` events from `publishers` tasks to one subscriber in `mode`; returns
/// each event's latency in microseconds and the events handled per second.
func busRun(_ mode: SubscriptionMode, count: Int, publishers: Int) async throws -> (latencies: [Double], rate: Double) {
    try await bus.subscribe(to: Ping.self, mode: mode) { events in
        try await withThrowingTaskGroup(of: [Double].self) { group in
            group.addTask {
                var latencies: [Double] = []
                var iterator = events.makeAsyncIterator()
                while latencies.count < count, let ping = try await iterator.next() {
                    latencies.append(Double(nanoseconds() - ping.sent) / 1_000)
                }
                return latencies
            }
            let begin = ContinuousClock.now
            for publisher in 0..<publishers {
                group.addTask {
                    for _ in stride(from: publisher, to: count, by: publishers) {
                        try await bus.publish(Ping(sent: nanoseconds()))
                        if publishers == 1 { try await Task.sleep(for: .microseconds(200)) }
                    }
                    return []
                }
            }
            var latencies: [Double] = []
            for try await part in group { latencies += part }
            let elapsed = begin.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return (latencies.sorted(), (Double(count) / seconds).rounded())
        }
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    ((sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) * 10).rounded() / 10
}

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await bus.run() }
    let durable = SubscriptionMode.durable(group: "bench")
    for (name, mode) in [("broadcast", SubscriptionMode.broadcast), ("durable", durable)] {
        _ = try await busRun(mode, count: 500, publishers: 1)  // warm-up
        let latency = try await busRun(mode, count: 2_000, publishers: 1).latencies
        results["bus-\(name)-p50-us"] = percentile(latency, 0.5)
        results["bus-\(name)-p99-us"] = percentile(latency, 0.99)
        results["bus-\(name)-events-per-second"] = try await busRun(mode, count: 20_000, publishers: clients).rate
    }
    await bus.shutdown()
    group.cancelAll()
}

let body = results.keys.sorted().map { key in
    let value = results[key]!
    return "\"\(key)\": \(value == value.rounded() ? String(Int(value)) : String(value))"
}.joined(separator: ", ")
print("{\(body)}")
