import Foundation
import RoostCore
import Synchronization
import Testing

/// A clock whose sleeps return at once, moving its time forward by the slept amount.
private final class InstantClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }
    private let time = Mutex(Instant(offset: .zero))
    var now: Instant { time.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        time.withLock { $0 = max($0, deadline) }
    }
}

private struct Broken: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}

@Suite struct HealthReportTests {
    @Test func allUpIsUp() async {
        let report = await HealthReport.run(
            [ClosureHealthCheck("a") {}, ClosureHealthCheck("b") {}], timeout: .seconds(60))
        #expect(report.status == .up)
        #expect(report.checks.map(\.name) == ["a", "b"])
    }

    @Test func noChecksIsUp() async {
        #expect(await HealthReport.run([], timeout: .seconds(60)).status == .up)
    }

    @Test func aThrowingCheckIsDownWithItsReason() async {
        let report = await HealthReport.run(
            [ClosureHealthCheck("ok") {}, ClosureHealthCheck("db") { throw Broken() }],
            timeout: .seconds(60))
        #expect(report.status == .down)
        #expect(report.checks[0].status == .up)
        #expect(report.checks[1].status == .down)
        #expect(report.checks[1].reason == "connection refused")
    }

    @Test func aHangingCheckTimesOutAndIsCancelled() async {
        let cancelled = Mutex(false)
        let hanging = ClosureHealthCheck("slow") {
            do { try await Task.sleep(for: .seconds(3_600)) } catch { cancelled.withLock { $0 = true } }
        }
        let report = await HealthReport.run([hanging], timeout: .milliseconds(250), clock: InstantClock())
        #expect(report.status == .down)
        #expect(report.checks[0].reason?.contains("did not answer within") == true)
        #expect(cancelled.withLock { $0 })
    }

    @Test func encodesWithSnakeCaseDuration() throws {
        let result = HealthCheckResult(name: "x", status: .up, durationMilliseconds: 1.5)
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains("\"duration_ms\":1.5"))
    }
}

@Suite struct RoostErrorTests {
    struct PoolExhausted: RoostError {
        var code: ErrorCode { "pool.exhausted" }
        var message: String { "no connection within 1s; raise maxConnections" }
        var underlying: (any Error)? { Broken() }
    }

    @Test func describesCodeMessageAndCause() {
        #expect(
            PoolExhausted().description
                == "[pool.exhausted] no connection within 1s; raise maxConnections (caused by: connection refused)")
    }
}
