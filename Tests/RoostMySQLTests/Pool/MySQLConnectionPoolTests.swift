import Foundation
import RoostTestSupport
import Testing

@testable import RoostMySQL

@Suite("Connection pool against the real server", .requires(.mysql))
struct MySQLConnectionPoolTests {
    @Test("100 concurrent queries share at most 4 connections")
    func concurrency() async throws {
        try await LivePool.withRunningPool(maximum: 4) { pool in
            let sessions = try await withThrowingTaskGroup(of: UInt64.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        // A long lease timeout: this checks sharing, and a loaded runner is slow.
                        let result = try await pool.withConnection(leaseTimeout: .seconds(120)) { connection in
                            try await connection.query("SELECT CONNECTION_ID() AS id, \(index) AS n")
                        }
                        #expect(try result.rows[0]["n"].decode(Int.self) == index)
                        return try result.rows[0]["id"].decode(UInt64.self)
                    }
                }
                return try await group.reduce(into: Set<UInt64>()) { $0.insert($1) }
            }
            #expect((1...4).contains(sessions.count))
        }
    }

    @Test("a body runs on its connection's event loop, unless it asks to stay where its caller runs")
    func eventLoopPreference() async throws {
        try await LivePool.withRunningPool(maximum: 2) { pool in
            let onLoop = try await pool.withConnection { connection in
                _ = try await connection.query("SELECT 1")
                return connection.channel.eventLoop.inEventLoop
            }
            #expect(onLoop)
            let offLoop = try await pool.withConnection(onEventLoop: false) { connection in
                _ = try await connection.query("SELECT 1")
                return connection.channel.eventLoop.inEventLoop
            }
            #expect(!offLoop)
            #expect(try await pool.query("SELECT 2 AS n").rows[0]["n"].decode(Int.self) == 2)
        }
    }

    @Test("waiting longer than the lease timeout throws mysql.pool.timeout")
    func leaseTimeout() async throws {
        try await LivePool.withRunningPool(maximum: 1) { pool in
            let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { heldContinuation.finish() }
                    try await pool.withConnection { _ in
                        heldContinuation.yield()
                        for await _ in release { break }
                    }
                }
                for await _ in held { break }
                let error = await #expect(throws: MySQLPoolError.self) {
                    try await pool.withConnection(leaseTimeout: .milliseconds(100)) { try await $0.ping() }
                }
                #expect(error?.code.rawValue == "mysql.pool.timeout")
                #expect(error?.kind == .timeout)
                #expect(error?.message.contains("maximumConnections") == true)
                releaseContinuation.yield()
                try await group.waitForAll()
            }
            try await pool.withConnection { try await $0.ping() }
        }
    }

    @Test("a lease made while the pool is not running times out")
    func notRunning() async throws {
        var configuration = try LivePool.configuration(maximum: 1)
        configuration.leaseTimeout = .milliseconds(100)
        let pool = MySQLConnectionPool(configuration: configuration)
        let error = await #expect(throws: MySQLPoolError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code.rawValue == "mysql.pool.timeout")
    }

    @Test("session state set by one lease is gone for the next")
    func resetBetweenLeases() async throws {
        try await LivePool.withRunningPool(maximum: 1) { pool in
            let first = try await pool.withConnection { connection in
                try await connection.query("SET @roost_marker = 42")
                try await connection.query("CREATE TEMPORARY TABLE roost_pool_scratch (id INT)")
                #expect(try await connection.query("SELECT @roost_marker AS m").rows[0]["m"].decode(Int.self) == 42)
                return try await connection.sessionID()
            }
            try await pool.withConnection { connection in
                // The same server session, so only the reset can have cleared its state.
                #expect(try await connection.sessionID() == first)
                #expect(try await connection.query("SELECT @roost_marker AS m").rows[0]["m"].isNull)
                try await connection.query("CREATE TEMPORARY TABLE roost_pool_scratch (id INT)")
            }
        }
    }

    @Test("with resets off, a returned connection keeps its session state and prepared statements")
    func noResetBetweenLeases() async throws {
        try await LivePool.withRunningPool(maximum: 1, { $0.resetsReturnedConnections = false }) { pool in
            let first = try await pool.withConnection { connection in
                try await connection.query("SET @roost_marker = 42")
                _ = try await connection.query("SELECT ? AS n", [1])
                return try await connection.sessionID()
            }
            try await pool.withConnection { connection throws in
                #expect(try await connection.sessionID() == first)
                #expect(try await connection.query("SELECT @roost_marker AS m").rows[0]["m"].decode(Int.self) == 42)
                #expect(try await connection.query("SELECT ? AS n", [2]).rows[0]["n"].decode(Int.self) == 2)
            }
        }
    }

    @Test("with countsMatchedRows, an UPDATE that changes nothing still counts the rows it matched")
    func matchedRows() async throws {
        for countsMatchedRows in [false, true] {
            var configuration = try LiveServer.configuration()
            configuration.countsMatchedRows = countsMatchedRows
            let connection = try await MySQLConnection.connect(configuration: configuration)
            try await connection.query("CREATE TEMPORARY TABLE roost_matched (id INT PRIMARY KEY, v INT)")
            try await connection.query("INSERT INTO roost_matched VALUES (1, 5), (2, 5)")
            let result = try await connection.query("UPDATE roost_matched SET v = 5")
            #expect(result.affectedRows == (countsMatchedRows ? 2 : 0))
            try await connection.close()
        }
    }

    @Test("a connection returned by a throwing body is reset and reused")
    func resetAfterThrow() async throws {
        struct Failure: Error {}
        try await LivePool.withRunningPool(maximum: 1) { pool in
            await #expect(throws: Failure.self) {
                try await pool.withConnection { connection in
                    try await connection.query("SET @roost_marker = 7")
                    throw Failure()
                }
            }
            let marker = try await pool.query("SELECT @roost_marker AS m")
            #expect(try marker.rows[0]["m"].isNull)
            // A server error fails the statement, not the pooled connection.
            await #expect(throws: MySQLServerError.self) { try await pool.query("SELEKT 1") }
            #expect(try await pool.query("SELECT 1 AS one").rows[0]["one"].decode(Int.self) == 1)
        }
    }

    @Test("a connection past its maximum lifetime is replaced when returned")
    func maximumLifetime() async throws {
        try await LivePool.withRunningPool(maximum: 1, { $0.maximumLifetime = .zero }) { pool in
            let first = try await pool.withConnection { try await $0.sessionID() }
            let second = try await pool.withConnection { try await $0.sessionID() }
            #expect(first != second)
        }
    }

    @Test("after the server kills every pooled connection, the pool reconnects")
    func recoversFromKill() async throws {
        try await LivePool.withRunningPool(maximum: 2) { pool in
            let (held, heldContinuation) = AsyncStream.makeStream(of: UInt64.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            // Hold both connections at once so that both are open.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            heldContinuation.yield(try await connection.sessionID())
                            for await _ in release { break }
                        }
                    }
                }
                var killed: Set<UInt64> = []
                for await id in held {
                    killed.insert(id)
                    if killed.count == 2 { break }
                }
                releaseContinuation.yield()
                releaseContinuation.yield()
                try await group.waitForAll()
                try await LiveServer.withConnection { admin in
                    for id in killed { try await admin.query("KILL \(id)") }
                }
                // A lease may still hand out a connection whose close is in flight: only
                // connection-level errors are acceptable until a fresh connection answers.
                var answered: UInt64?
                for _ in 0..<100 where answered == nil {
                    do {
                        answered = try await pool.withConnection { try await $0.sessionID() }
                    } catch is MySQLConnectionError {
                        continue
                    } catch is MySQLProtocolError {
                        continue
                    } catch let error as MySQLServerError where error.errorCode == 1927 {
                        continue  // ER_CONNECTION_KILLED, sent by MariaDB to a killed session
                    }
                }
                let fresh = try #require(answered)
                #expect(!killed.contains(fresh))
            }
        }
    }
}
