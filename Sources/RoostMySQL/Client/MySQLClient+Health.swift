import RoostCore

extension MySQLClient: HealthCheck {
    /// `mysql`: the name the client's check has in a health report.
    public var name: String { "mysql" }

    /// Pings the primary, then each replica; throws the first failure, naming the replica
    /// when it is one (reads sent to it would fail).
    public func check() async throws {
        try await primary.check()
        for (index, replica) in replicas.enumerated() {
            do {
                try await replica.check()
            } catch {
                throw ReplicaUnreachable(index: index, underlying: error)
            }
        }
    }
}

/// A read replica did not answer its health check.
public struct ReplicaUnreachable: RoostError {
    /// The replica's position in ``MySQLClient/replicas``.
    public let index: Int
    /// Why the ping failed.
    public let underlying: (any Error)?
    /// `mysql.replica.unreachable`
    public var code: ErrorCode { "mysql.replica.unreachable" }
    /// What happened and what to do.
    public var message: String {
        "read replica \(index) did not answer a ping; check that server, or take it out of the replicas until it is back"
    }
}
