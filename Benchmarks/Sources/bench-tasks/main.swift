// bench-tasks: cron next-date computations per second over a fixed mix of expressions, and
// the cost per call that SingleFlight and ConcurrencyLimiter add to a bare `await`.
// Without arguments it prints one JSON object: {"cron_next_per_s": ..., "cron_checksum": ...,
// "singleflight_overhead_ns": ..., "limiter_overhead_ns": ..., ...}, medians over runs.
import Foundation
import RoostTasks

#if canImport(Glibc)
    import Glibc
#endif

/// Process CPU time. The benchmark machine is shared with other jobs, so wall-clock times
/// measure the load as much as the code; CPU time of this (single-task) process does not.
/// The croniter peer measures the same way (`time.process_time()`).
struct CPUClock {
    struct Instant {
        var nanoseconds: Int64
        func duration(to other: Instant) -> Duration { .nanoseconds(other.nanoseconds - nanoseconds) }
    }

    var now: Instant {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Instant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}

enum BenchTasks {
    /// The same mix as Benchmarks/peers/tasks_croniter.py, in UTC.
    static let expressions = [
        "*/5 * * * *", "0 9 * * 1-5", "30 2 1 * *", "0 0 L * *", "0 12 * * 5#2",
        "15,45 8-18 * * *", "0 0 1 1,7 *", "0 6 * * 6,0", "@hourly", "7 3 */2 * *",
    ]
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
    static let nextPerExpression = 2_000
    static let calls = 1_000_000
    static let runs = 5

    /// Chains `nextPerExpression` next dates per expression; returns the elapsed time and the
    /// sum of the last date of each chain (compared with the peer's).
    static func cronOnce(_ schedules: [CronSchedule], _ utc: TimeZone) -> (Duration, Int) {
        let clock = CPUClock()
        let begin = clock.now
        var checksum = 0
        for schedule in schedules {
            var date = start
            for _ in 0..<nextPerExpression { date = schedule.next(after: date, in: utc)! }
            checksum += Int(date.timeIntervalSince1970)
        }
        return (begin.duration(to: clock.now), checksum)
    }

    @inline(never) static func bare(_ value: Int) async throws -> Int { value &+ 1 }

    static func bareOnce() async throws -> Duration {
        let clock = CPUClock()
        let begin = clock.now
        var sum = 0
        for index in 0..<calls { sum &+= try await bare(index) }
        blackHole(sum)
        return begin.duration(to: clock.now)
    }

    static func limiterOnce(_ limiter: ConcurrencyLimiter<ContinuousClock>) async throws -> Duration {
        let clock = CPUClock()
        let begin = clock.now
        var sum = 0
        for index in 0..<calls { sum &+= try await limiter.run { try await bare(index) } }
        blackHole(sum)
        return begin.duration(to: clock.now)
    }

    static func singleFlightOnce(_ flights: SingleFlight<Int, Int>, calls: Int) async throws -> Duration {
        let clock = CPUClock()
        let begin = clock.now
        var sum = 0
        for index in 0..<calls { sum &+= try await flights.run(key: 1) { try await bare(index) } }
        blackHole(sum)
        return begin.duration(to: clock.now)
    }

    @inline(never) static func blackHole(_ value: Int) {
        if value == 42 { print("", terminator: "") }
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    static func run() async throws {
        let utc = TimeZone(identifier: "UTC")!
        let schedules = try expressions.map { try CronSchedule($0) }
        let total = Double(expressions.count * nextPerExpression)
        var cronRates: [Double] = []
        var checksum = 0
        _ = cronOnce(schedules, utc)  // warm-up
        for _ in 0..<runs {
            let (elapsed, sum) = cronOnce(schedules, utc)
            cronRates.append(total / (nanoseconds(elapsed) / 1e9))
            checksum = sum
        }

        let limiter = ConcurrencyLimiter(maxRunning: 8, maxWaiting: 64)
        let flights = SingleFlight<Int, Int>()
        let flightCalls = calls / 10
        _ = try await bareOnce()
        _ = try await limiterOnce(limiter)
        _ = try await singleFlightOnce(flights, calls: flightCalls)
        var bareNs: [Double] = []
        var limiterNs: [Double] = []
        var flightNs: [Double] = []
        for _ in 0..<runs {
            bareNs.append(nanoseconds(try await bareOnce()) / Double(calls))
            limiterNs.append(nanoseconds(try await limiterOnce(limiter)) / Double(calls))
            flightNs.append(nanoseconds(try await singleFlightOnce(flights, calls: flightCalls)) / Double(flightCalls))
        }
        let bare = median(bareNs)
        print(
            """
            {"cron_next_per_s": \(rounded(median(cronRates))), "cron_checksum": \(checksum), \
            "bare_await_ns": \(rounded(bare)), "limiter_call_ns": \(rounded(median(limiterNs))), \
            "limiter_overhead_ns": \(rounded(median(limiterNs) - bare)), \
            "singleflight_call_ns": \(rounded(median(flightNs))), \
            "singleflight_overhead_ns": \(rounded(median(flightNs) - bare))}
            """)
    }
}

// `bench-tasks limiter` or `bench-tasks singleflight` runs only that loop, for profiling.
switch CommandLine.arguments.dropFirst().first {
case "limiter":
    let limiter = ConcurrencyLimiter(maxRunning: 8, maxWaiting: 64)
    for _ in 0..<3 { _ = try await BenchTasks.limiterOnce(limiter) }
case "singleflight":
    _ = try await BenchTasks.singleFlightOnce(SingleFlight<Int, Int>(), calls: 300_000)
default:
    try await BenchTasks.run()
}
