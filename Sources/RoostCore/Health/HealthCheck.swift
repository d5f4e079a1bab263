/// Something whose health a service reports: a connection pool, a disk, a dependency.
///
/// `check()` returns normally when healthy and throws when not; the error's description
/// becomes the reason shown in the report. Checks must be quick and cancellable:
/// ``HealthReport/run(_:timeout:clock:)`` cancels a check that overruns its timeout and
/// marks it down.
///
/// ```swift
/// struct RedisHealth: HealthCheck {
///     let client: RedisClient
///     var name: String { "redis" }
///     func check() async throws { _ = try await client.ping() }
/// }
/// ```
public protocol HealthCheck: Sendable {
    /// A short, stable name shown in the report, such as `redis` or `database`.
    var name: String { get }
    /// Returns when healthy; throws an error that says what is wrong when not.
    func check() async throws
}

/// A health check made from a closure.
///
/// ```swift
/// let disk = ClosureHealthCheck("disk") { try checkFreeSpace() }
/// ```
public struct ClosureHealthCheck: HealthCheck {
    /// The name shown in the report.
    public let name: String
    private let body: @Sendable () async throws -> Void

    /// Creates a check named `name` that runs `body`.
    public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the closure.
    public func check() async throws { try await body() }
}
