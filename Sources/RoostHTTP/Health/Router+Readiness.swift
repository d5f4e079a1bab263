import Hummingbird
import RoostCore

extension Router where Context: RoostRequestContext {
    /// Adds `GET path` answering whether the service can take traffic: every check in
    /// `checks` runs concurrently, each bounded by `timeout`.
    ///
    /// The envelope's `data` is the ``HealthReport`` (`status` and one result per check).
    /// All up: `200`, code 0. Any down: `503`, code 503, with the failing checks' reasons,
    /// so a load balancer stops sending traffic while a database is unreachable. Keep
    /// `/health` (liveness) free of dependency checks, so a database outage does not get
    /// the process restarted.
    ///
    /// ```swift
    /// router.addHealthRoute(service: "orders", version: "1.2.0")   // liveness
    /// router.addReadinessRoute(checks: health)                      // readiness
    /// ```
    @discardableResult
    public func addReadinessRoute(
        _ path: RouterPath = "/ready", checks: HealthCheckRegistry, timeout: Duration = .seconds(2)
    ) -> Self {
        get(path) { _, context -> Envelope<HealthReport> in
            let report = await HealthReport.run(checks.checks, timeout: timeout)
            if report.status == .up { return .success(report, context: context) }
            return Envelope(
                code: 503, data: report, msg: "Service Unavailable", requestID: context.requestID,
                status: .serviceUnavailable)
        }
        return self
    }
}
