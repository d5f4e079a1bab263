import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Transactions against redis-server", .requires(.redis))
struct TransactionTests {
    @Test("queued commands run atomically and give typed results; runtime errors stay per command", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func typedResults(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = protocolVersion }
        let counter = uniqueKey("counter")
        let text = uniqueKey("text")
        let result = try await connection.transaction { tx in
            (
                tx.increment(counter, by: 5), tx.set(text, to: "hello"), tx.get(text),
                tx.queue(RedisCommand("INCR", .string(text))), tx.expire(counter, after: .seconds(60)),
                tx.delete(counter, text)
            )
        }
        #expect(try result[result.queued.0] == 5)
        #expect(try result[result.queued.1])
        #expect(try result[result.queued.2] == ByteBuffer(string: "hello"))
        let error = #expect(throws: RedisServerError.self) { try result[result.queued.3] }
        #expect(error?.kind == .generic)
        #expect(try result[result.queued.4])
        #expect(try result[result.queued.5] == 2)
        #expect(result.replies.count == 6)
        try await connection.close()
    }

    @Test("a watched key changed by another client aborts EXEC with watch_conflict; a retry succeeds")
    func watchConflict() async throws {
        let connection = try await connectToTestServer()
        let other = try await connectToTestServer()
        let key = uniqueKey("balance")
        try await connection.set(key, to: 100)
        let error = await #expect(throws: RedisTransactionError.self) {
            try await connection.transaction(watching: [key]) { tx in
                let balance = Int64(try await connection.getString(key) ?? "0") ?? 0
                try await other.set(key, to: 0)  // the conflicting write
                return tx.set(key, to: .integer(balance + 10))
            }
        }
        #expect(error?.kind == .watchConflict)
        #expect(error?.code.rawValue == "redis.transaction.watch_conflict")
        #expect(try await connection.getString(key) == "0")
        let retry = try await connection.transaction(watching: [key]) { tx in
            let balance = Int64(try await connection.getString(key) ?? "0") ?? 0
            return tx.set(key, to: .integer(balance + 10))
        }
        #expect(try retry[retry.queued])
        #expect(try await connection.getString(key) == "10")
        try await connection.delete(key)
        try await connection.close()
        try await other.close()
    }

    @Test("a throwing body sends nothing and unwatches; a refused command rejects the whole transaction")
    func throwingAndRejected() async throws {
        let connection = try await connectToTestServer()
        let other = try await connectToTestServer()
        let key = uniqueKey()
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await connection.transaction(watching: [key]) { tx in
                tx.set(key, to: "never")
                throw Abort()
            }
        }
        #expect(try await connection.get(key) == nil)
        // Unwatched: a change by another client no longer aborts the next transaction.
        try await other.set(key, to: "changed")
        let result = try await connection.transaction { tx in tx.get(key) }
        #expect(try result[result.queued] == ByteBuffer(string: "changed"))

        let rejected = await #expect(throws: RedisTransactionError.self) {
            try await connection.transaction { tx in
                tx.set(key, to: "not-run")
                tx.queue(RedisCommand("NO-SUCH-COMMAND"))
            }
        }
        #expect(rejected?.kind == .rejected)
        #expect(rejected?.command == "NO-SUCH-COMMAND")
        #expect(try await connection.getString(key) == "changed")
        // The connection is usable afterwards.
        #expect(try await connection.ping() == "PONG")
        try await connection.delete(key)
        try await connection.close()
        try await other.close()
    }

    @Test("the pool runs a watched transaction on one leased connection")
    func pooled() async throws {
        var configuration = RedisPoolConfiguration(
            connection: try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString))
        configuration.leaseTimeout = .seconds(120)  // a loaded runner can stall for seconds
        let pool = RedisConnectionPool(configuration: configuration)
        let key = uniqueKey()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            let result = try await pool.transaction(watching: [key]) { tx, connection in
                let current = try await connection.get(key)
                #expect(current == nil)
                return tx.increment(key)
            }
            #expect(try result[result.queued] == 1)
            try await pool.send(RedisCommand("DEL", .string(key)))
        }
    }
}
