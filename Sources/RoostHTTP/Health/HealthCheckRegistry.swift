import RoostCore
import Synchronization

/// The health checks a service's readiness depends on: pools and clients register
/// theirs as they start, and `GET /ready` runs all of them.
///
/// ```swift
/// let health = HealthCheckRegistry()
/// health.register(ClosureHealthCheck("database") { try await database.ping() })
/// router.addReadinessRoute(checks: health)
/// ```
public final class HealthCheckRegistry: Sendable {
    private let registered = Mutex<[any HealthCheck]>([])

    /// Creates an empty registry.
    public init() {}

    /// Adds a check; checks run in the order registered, and a later check with the same
    /// name replaces the earlier one.
    public func register(_ check: any HealthCheck) {
        registered.withLock { checks in
            if let index = checks.firstIndex(where: { $0.name == check.name }) {
                checks[index] = check
            } else {
                checks.append(check)
            }
        }
    }

    /// Removes the check named `name`, if any.
    public func unregister(named name: String) {
        registered.withLock { $0.removeAll { $0.name == name } }
    }

    /// The registered checks.
    public var checks: [any HealthCheck] { registered.withLock { $0 } }
}
