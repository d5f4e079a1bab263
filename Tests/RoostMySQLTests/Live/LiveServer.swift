import Foundation
import RoostTestSupport

@testable import RoostMySQL

/// Connections to the real server that `scripts/test` starts (`ROOST_TEST_MYSQL_URL`).
enum LiveServer {
    static func configuration() throws -> MySQLConfiguration {
        try MySQLConfiguration(url: TestServer.mysql.url().absoluteString)
    }

    static func connect(_ change: (inout MySQLConfiguration) -> Void = { _ in }) async throws -> MySQLConnection {
        var configuration = try configuration()
        change(&configuration)
        return try await MySQLConnection.connect(configuration: configuration)
    }

    /// Runs `body` with a fresh connection and closes it afterwards.
    @discardableResult
    static func withConnection<Result>(_ body: (MySQLConnection) async throws -> Result) async throws -> Result {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try await connection.close()
            throw error
        }
    }
}
