import Foundation
import RoostTestSupport

@testable import RoostMySQL

/// Pools against the real server that `scripts/test` starts.
enum LivePool {
    static func configuration(maximum: Int) throws -> MySQLPoolConfiguration {
        var configuration = MySQLPoolConfiguration(connection: try LiveServer.configuration())
        configuration.maximumConnections = maximum
        configuration.leaseTimeout = .seconds(120)  // a loaded runner can stall for seconds; timeout tests set their own
        return configuration
    }

    /// Runs `body` while a pool with at most `maximum` connections runs, then stops the pool.
    static func withRunningPool<Result: Sendable>(
        maximum: Int, _ change: (inout MySQLPoolConfiguration) -> Void = { _ in },
        _ body: (MySQLConnectionPool) async throws -> Result
    ) async throws -> Result {
        var configuration = try configuration(maximum: maximum)
        change(&configuration)
        let pool = MySQLConnectionPool(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            return try await body(pool)
        }
    }
}

extension MySQLConnection {
    /// The server's id of this session, as the server reports it.
    func sessionID() async throws -> UInt64 {
        try await query("SELECT CONNECTION_ID() AS id").rows[0]["id"].decode(UInt64.self)
    }
}
