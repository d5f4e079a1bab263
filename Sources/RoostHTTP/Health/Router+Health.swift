import Hummingbird
import RoostCore

/// What `GET /health` answers in its envelope's `data`.
public struct HealthPayload: Encodable, Sendable {
    /// `up` or `down`.
    public var status: HealthStatus
    /// The service's name.
    public var service: String
    /// The service's version.
    public var version: String
    /// Seconds since the service started.
    public var uptimeSeconds: Double
    /// Each check's result.
    public var checks: [HealthCheckResult]

    enum CodingKeys: String, CodingKey {
        case status, service, version, checks
        case uptimeSeconds = "uptime_s"
    }
}

extension Router where Context: RoostRequestContext {
    /// Adds `GET path` answering the service's health in the standard envelope.
    ///
    /// All `checks` run concurrently, each bounded by `timeout`. When every check is up the
    /// answer is `200` with code 0; otherwise `503` with code 503 and the failing checks'
    /// reasons, so load balancers and people read the same answer.
    ///
    /// ```swift
    /// router.addHealthRoute(service: "orders", version: "1.2.0", checks: [databaseHealth])
    /// ```
    @discardableResult
    public func addHealthRoute(
        _ path: RouterPath = "/health",
        service: String,
        version: String,
        checks: [any HealthCheck] = [],
        timeout: Duration = .seconds(2)
    ) -> Self {
        let started = ContinuousClock.now
        get(path) { _, context -> Envelope<HealthPayload> in
            let report = await HealthReport.run(checks, timeout: timeout)
            let uptime = started.duration(to: .now)
            let payload = HealthPayload(
                status: report.status, service: service, version: version,
                uptimeSeconds: Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18,
                checks: report.checks)
            if report.status == .up { return .success(payload, context: context) }
            return Envelope(
                code: 503, data: payload, msg: "Service Unavailable", requestID: context.requestID,
                status: .serviceUnavailable)
        }
        return self
    }
}
