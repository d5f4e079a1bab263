// bench-scope: a tree of 1,111 services (fan-out 10, depth 3) started and torn down, and
// 10,000 re-acquires (acquire + release) of a running service. Prints one JSON object:
// {"tree_ms": ..., "per_service_us": ..., "reacquire_us": ...}, medians over many runs. A
// Roost tree takes a few ms, so its median is over 101 trees (about half a second, near the
// time asyncscope's five trees take): five would sample the machine's speed for a few tens
// of ms only, and a slow stretch would decide the result.
import RoostScope

enum BenchScope {
    static let fanOut = 10
    static let depth = 3
    static let services = (0...depth).reduce(0) { total, level in total + power(fanOut, level) }
    static let reacquires = 10_000
    static let treeRuns = 101
    static let reacquireRuns = 51

    static func power(_ base: Int, _ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { value, _ in value * base }
    }

    /// A service that starts its children (one after another), registers, and stops when
    /// its users are gone.
    @Sendable static func node(_ ctx: ServiceContext<Int>, level: Int) async throws {
        if level < depth {
            for index in 0..<fanOut {
                _ = try await ctx.service("\(ctx.name).\(index)") { child in
                    try await node(child, level: level + 1)
                }
            }
        }
        try ctx.register(level)
        try await ctx.noMoreDependents()
    }

    @Sendable static func leaf(_ ctx: ServiceContext<Int>) async throws {
        try ctx.register(1)
        try await ctx.noMoreDependents()
    }

    /// Returns (time until the whole tree is up, time until it is down again).
    static func treeOnce() async throws -> (up: Duration, total: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let up = try await ServiceScope.run("bench") { scope in
            _ = try await scope.service("root") { ctx in try await node(ctx, level: 0) }
            let up = start.duration(to: clock.now)
            try scope.release("root")
            return up
        }
        return (up, start.duration(to: clock.now))
    }

    /// Returns the mean time of one acquire + release of a running service.
    static func reacquireOnce() async throws -> Duration {
        try await ServiceScope.run("bench") { scope in
            _ = try await scope.service("svc", leaf)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<reacquires {
                _ = try await scope.service("svc", leaf)
                try scope.release("svc")
            }
            return start.duration(to: clock.now) / reacquires
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func run() async throws {
        // Profiling aids: only build and tear down trees (`tree [COUNT]`, printing each
        // tree's time up and time up and down in µs), or only re-acquire.
        switch CommandLine.arguments.dropFirst().first {
        case "tree":
            let count = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 20
            for _ in 0..<count {
                let (up, total) = try await treeOnce()
                print(microseconds(up), microseconds(total))
            }
            return
        case "reacquire":
            for _ in 0..<20 { _ = try await reacquireOnce() }
            return
        default:
            break
        }
        _ = try await treeOnce()  // warm-up
        var ups: [Double] = []
        var totals: [Double] = []
        for _ in 0..<treeRuns {
            let (up, total) = try await treeOnce()
            ups.append(microseconds(up))
            totals.append(microseconds(total))
        }
        _ = try await reacquireOnce()
        var reacquire: [Double] = []
        for _ in 0..<reacquireRuns { reacquire.append(microseconds(try await reacquireOnce())) }

        let treeMs = rounded(median(totals) / 1000)
        let perService = rounded(median(ups) / Double(services))
        let perReacquire = rounded(median(reacquire))
        print("{\"tree_ms\": \(treeMs), \"per_service_us\": \(perService), \"reacquire_us\": \(perReacquire)}")
    }
}

try await BenchScope.run()
