import Foundation
import Testing
import RoostTestSupport

@testable import RoostMySQL

@Suite("Login against the real server", .requires(.mysql))
struct LiveLoginTests {
    @Test func loginAndIdentity() async throws {
        try await LiveServer.withConnection { connection in
            let result = try await connection.query("SELECT CONNECTION_ID() AS id, DATABASE() AS db, CURRENT_USER() AS user")
            let row = try #require(result.rows.first)
            #expect(try row["id"].decode(UInt32.self) == connection.connectionID)
            #expect(try row["db"].decode(String?.self) == LiveServer.configuration().database)
            #expect(try row["user"].decode(String.self).hasPrefix(LiveServer.configuration().username + "@"))
            #expect(!connection.serverVersion.isEmpty)
        }
    }

    @Test func wrongPasswordIsAccessDenied() async throws {
        await #expect {
            _ = try await LiveServer.connect { $0.password = "definitely wrong" }
        } throws: { error in
            guard let error = error as? MySQLServerError else { return false }
            return error.errorCode == 1045 && error.sqlState == "28000" && error.serverMessage.contains("Access denied")
        }
    }

    @Test func unknownDatabaseIsServerError() async throws {
        await #expect {
            _ = try await LiveServer.connect { $0.database = "roost_no_such_database" }
        } throws: { error in
            (error as? MySQLServerError)?.errorCode == 1049
        }
    }

    @Test func nativePasswordAccountsIncludingEmptyPassword() async throws {
        try await LiveServer.withConnection { admin in
            try await admin.query(
                "CREATE USER IF NOT EXISTS 'roost_native'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('nätive pass')")
            try await admin.query("CREATE USER IF NOT EXISTS 'roost_empty'@'127.0.0.1' IDENTIFIED BY ''")
        }
        let native = try await LiveServer.connect {
            $0.username = "roost_native"
            $0.password = "nätive pass"
            $0.database = nil
        }
        #expect(try await native.query("SELECT CURRENT_USER()").rows[0][0].decode(String.self) == "roost_native@127.0.0.1")
        try await native.close()
        let empty = try await LiveServer.connect {
            $0.username = "roost_empty"
            $0.password = ""
            $0.database = nil
        }
        try await empty.ping()
        try await empty.close()
    }

    @Test func pingResetAndClose() async throws {
        let connection = try await LiveServer.connect()
        try await connection.ping()
        try await connection.query("SET @roost_marker = 42")
        #expect(try await connection.query("SELECT @roost_marker").rows[0][0].decode(Int?.self) == 42)
        try await connection.resetConnection()
        #expect(try await connection.query("SELECT @roost_marker").rows[0][0].decode(Int?.self) == nil)
        try await connection.close()
        #expect(connection.isClosed)
        try await connection.close()  // closing twice does nothing
        await #expect {
            try await connection.ping()
        } throws: { error in
            (error as? MySQLConnectionError)?.code == "mysql.connection.closed"
        }
    }
}

@Suite("Cancellation against the real server", .requires(.mysql))
struct LiveCancellationTests {
    @Test func cancelledTaskDoesNotSend() async throws {
        try await LiveServer.withConnection { connection in
            let table = "roost_cancel_\(connection.connectionID)"
            try await connection.query("CREATE TEMPORARY TABLE \(table) (n INT)")
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await connection.query("INSERT INTO \(table) VALUES (1)")
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            let count = try await connection.query("SELECT COUNT(*) FROM \(table)").rows[0][0].decode(Int.self)
            #expect(count == 0)
        }
    }
}
