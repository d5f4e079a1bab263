/// Whether a check, or a whole service, is able to serve.
public enum HealthStatus: String, Codable, Sendable {
    /// Working.
    case up
    /// Not working; see the reason.
    case down
}

/// The outcome of one ``HealthCheck``.
public struct HealthCheckResult: Codable, Sendable, Equatable {
    /// The check's name.
    public var name: String
    /// Whether it passed.
    public var status: HealthStatus
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Double
    /// Why it failed, when it did.
    public var reason: String?

    /// Creates a result.
    public init(name: String, status: HealthStatus, durationMilliseconds: Double, reason: String? = nil) {
        self.name = name
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case name, status, reason
        case durationMilliseconds = "duration_ms"
    }
}

/// The combined health of a service: up only when every check is up.
///
/// ```swift
/// let report = await HealthReport.run([redisHealth, databaseHealth], timeout: .seconds(2))
/// if report.status == .down { /* answer 503 */ }
/// ```
public struct HealthReport: Codable, Sendable, Equatable {
    /// `up` when all checks passed (or there are none).
    public var status: HealthStatus
    /// One result per check, in the order the checks were given.
    public var checks: [HealthCheckResult]

    /// Creates a report from results; the status is derived from them.
    public init(checks: [HealthCheckResult]) {
        self.checks = checks
        self.status = checks.allSatisfy { $0.status == .up } ? .up : .down
    }

    /// Runs every check concurrently, each bounded by `timeout`, and collects the results.
    ///
    /// A check that throws is `down` with the error's description as its reason; one that
    /// overruns is cancelled and reported `down` with a timeout reason. Never throws.
    public static func run<C: Clock>(
        _ checks: [any HealthCheck],
        timeout: Duration,
        clock: C = ContinuousClock()
    ) async -> HealthReport where C.Duration == Duration {
        if checks.isEmpty { return HealthReport(checks: []) }
        return await withTaskGroup(of: (Int, HealthCheckResult).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await runOne(check, timeout: timeout, clock: clock)) }
            }
            var results = [HealthCheckResult?](repeating: nil, count: checks.count)
            for await (index, result) in group { results[index] = result }
            return HealthReport(checks: results.compactMap { $0 })
        }
    }

    private static func runOne<C: Clock>(
        _ check: any HealthCheck, timeout: Duration, clock: C
    ) async -> HealthCheckResult where C.Duration == Duration {
        let start = clock.now
        let outcome: Result<Void, any Error>? = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await check.check()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await clock.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let elapsed = start.duration(to: clock.now)
        let milliseconds = Double(elapsed.components.seconds) * 1000
            + Double(elapsed.components.attoseconds) / 1e15
        switch outcome {
        case .success: return HealthCheckResult(name: check.name, status: .up, durationMilliseconds: milliseconds)
        case .failure(let error):
            return HealthCheckResult(
                name: check.name, status: .down, durationMilliseconds: milliseconds,
                reason: String(describing: error))
        case nil:
            return HealthCheckResult(
                name: check.name, status: .down, durationMilliseconds: milliseconds,
                reason: "did not answer within \(timeout)")
        }
    }
}
