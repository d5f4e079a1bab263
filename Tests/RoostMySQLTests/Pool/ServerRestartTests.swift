import RoostTestSupport
import Testing

@testable import RoostMySQL

@Suite("Server killed and restarted, against a dedicated mariadbd", .requires(.mysql))
struct ServerRestartTests {
    /// Waits until the server runs `sql` in some session, as another session sees it.
    static func waitUntilRunning(_ sql: String, on server: MariaDBServerProcess) async throws {
        let observer = try await MySQLConnection.connect(configuration: server.configuration)
        do {
            try await withDeadline("the server runs \(sql)", .seconds(60)) {
                // The other session's state is only visible by asking again.
                while true {
                    let result = try await observer.query(
                        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO = ?", [sql])
                    if try result.rows[0]["n"].decode(Int.self) > 0 { return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        } catch {
            try await observer.close()
            throw error
        }
        try await observer.close()
    }

    @Test("a query running when the server is SIGKILLed fails with mysql.connection.closed; the same pool serves queries after a restart")
    func killedMidQuery() async throws {
        let server = try await MariaDBServerProcess()
        defer { server.stop() }
        var configuration = MySQLPoolConfiguration(connection: server.configuration)
        configuration.maximumConnections = 3
        configuration.minimumConnections = 2
        configuration.leaseTimeout = .seconds(120)
        let pool = MySQLConnectionPool(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            let before = try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
            #expect(try before.rows[0]["one"].decode(Int.self) == 1)

            // Owned here and awaited below, within a deadline.
            let sleeping = Task { try await pool.withConnection { try await $0.query("SELECT SLEEP(30)") } }
            try await Self.waitUntilRunning("SELECT SLEEP(30)", on: server)
            server.kill()

            let outcome = try await withDeadline("the killed query fails", .seconds(20)) { await sleeping.result }
            guard case .failure(let failure) = outcome else {
                Issue.record("the query survived the server being killed")
                return
            }
            let error = try #require(failure as? MySQLConnectionError, "\(failure)")
            #expect(error.kind == .closed)
            #expect(error.code == "mysql.connection.closed")
            #expect(error.message.contains("may or may not have run"))

            // While the server is down, work fails with a typed error: the pool's, or, when
            // the lease got an idle connection whose end the pool had not yet seen, the
            // connection's.
            let downError = await #expect(throws: (any Error).self) {
                try await pool.withConnection(leaseTimeout: .milliseconds(500)) { try await $0.ping() }
            }
            #expect(
                downError is MySQLPoolError || (downError as? MySQLConnectionError)?.kind == .closed,
                "\(String(describing: downError))")

            try await server.start()
            // The pool was not rebuilt: it dropped the dead connections and opens new ones.
            try await withDeadline("the pool serves queries after the restart", .seconds(90)) {
                try await withThrowingTaskGroup(of: Int.self) { queries in
                    for index in 0..<6 {
                        queries.addTask {
                            try await pool.withConnection { connection in
                                try await connection.query("SELECT ? AS n", [index]).rows[0]["n"].decode(Int.self)
                            }
                        }
                    }
                    let answers = try await queries.reduce(into: Set<Int>()) { $0.insert($1) }
                    #expect(answers == Set(0..<6))
                }
            }
        }
    }
}
