import Foundation
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Connection pool against redis-server", .requires(.redis))
struct RedisConnectionPoolTests {
    private func poolConfiguration(name: String, maximum: Int) throws -> RedisPoolConfiguration {
        var connection = try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString)
        connection.clientName = name
        var configuration = RedisPoolConfiguration(connection: connection)
        configuration.maximumConnections = maximum
        configuration.leaseTimeout = .seconds(120)  // a loaded runner can stall for seconds; timeout tests set their own
        return configuration
    }

    /// Runs `body` while the pool runs, then stops the pool.
    private func withRunningPool<Result: Sendable>(
        _ configuration: RedisPoolConfiguration, _ body: (RedisConnectionPool) async throws -> Result
    ) async throws -> Result {
        let pool = RedisConnectionPool(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            return try await body(pool)
        }
    }

    /// Runs `body` while a pool of `maximum` connections runs, one of them shared, with the
    /// pool's client name, a fresh key and a connection to watch the server with; deletes
    /// the key afterwards.
    private func withOneSharedConnection(
        maximum: Int, _ body: (RedisConnectionPool, _ name: String, _ key: String, _ admin: RedisConnection) async throws -> Void
    ) async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let key = uniqueKey()
        let admin = try await connectToTestServer()
        var configuration = try poolConfiguration(name: name, maximum: maximum)
        configuration.sharedConnections = 1
        try await withRunningPool(configuration) { pool in try await body(pool, name, key, admin) }
        try await admin.delete(key)
        try await admin.close()
    }

    /// The ids of the server's clients named `name`.
    private func clientIDs(named name: String, using admin: RedisConnection) async throws -> [Int64] {
        let list = try await admin.send("CLIENT", "LIST").string ?? ""
        return list.split(separator: "\n").compactMap { line -> Int64? in
            guard line.contains(" name=\(name) ") else { return nil }
            return line.split(separator: " ").first { $0.hasPrefix("id=") }.flatMap { Int64($0.dropFirst(3)) }
        }
    }

    /// Kills the server's clients named `name`, then expects `ping` to answer on a fresh
    /// connection. A caller may still be handed a connection whose close is in flight, so
    /// connection errors are accepted until then.
    private func expectFreshConnections(
        named name: String, admin: RedisConnection, ping: () async throws -> Bool
    ) async throws {
        let before = try await clientIDs(named: name, using: admin)
        #expect(!before.isEmpty)
        for id in before { try await admin.send("CLIENT", "KILL", "ID", .integer(id)) }
        var answered = false
        for _ in 0..<100 where !answered {
            do {
                answered = try await ping()
            } catch is RedisConnectionError {
                continue
            }
        }
        #expect(answered)
        let after = try await clientIDs(named: name, using: admin)
        #expect(!after.isEmpty)
        #expect(Set(after).isDisjoint(with: before))
    }

    @Test("many concurrent callers share at most the maximum number of connections")
    func concurrency() async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let key = uniqueKey()
        let admin = try await connectToTestServer()
        try await withRunningPool(try poolConfiguration(name: name, maximum: 3)) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A long lease timeout: this checks sharing, and a loaded runner is slow.
                for _ in 0..<200 {
                    group.addTask { _ = try await pool.withConnection(leaseTimeout: .seconds(120)) { try await $0.increment(key) } }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.send(RedisCommand("GET", .string(key))).integer == 200)
            let open = try await clientIDs(named: name, using: admin)
            #expect((1...3).contains(open.count))
        }
        try await admin.delete(key)
        try await admin.close()
    }

    @Test("waiting longer than the lease timeout throws redis.pool.timeout")
    func leaseTimeout() async throws {
        let configuration = try poolConfiguration(name: "pool-timeout", maximum: 1)
        try await withRunningPool(configuration) { pool in
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
                let error = await #expect(throws: RedisPoolError.self) {
                    try await pool.withConnection(leaseTimeout: .milliseconds(100)) { try await $0.ping() }
                }
                #expect(error?.code.rawValue == "redis.pool.timeout")
                // A waiter whose task is cancelled stops waiting with CancellationError.
                let waiter = Task { try await pool.withConnection { try await $0.ping() } }
                waiter.cancel()
                let cancelled = await waiter.result
                guard case .failure(is CancellationError) = cancelled else {
                    Issue.record("expected CancellationError, got \(cancelled)")
                    return
                }
                releaseContinuation.yield()
                try await group.waitForAll()
            }
            #expect(try await pool.withConnection { try await $0.ping() } == "PONG")
        }
    }

    @Test("after the server drops every pooled connection, the pool reconnects")
    func reconnects() async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let admin = try await connectToTestServer()
        try await withRunningPool(try poolConfiguration(name: name, maximum: 2)) { pool in
            #expect(try await pool.withConnection { try await $0.ping() } == "PONG")
            try await expectFreshConnections(named: name, admin: admin) {
                try await pool.withConnection { try await $0.ping() } == "PONG"
            }
        }
        try await admin.close()
    }

    @Test("concurrent sends travel on the shared connections; no other connection opens")
    func sharedConnections() async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let key = uniqueKey()
        let admin = try await connectToTestServer()
        var configuration = try poolConfiguration(name: name, maximum: 8)
        configuration.sharedConnections = 2
        try await withRunningPool(configuration) { pool in
            // Two sends in turn open the two shared connections.
            for _ in 0..<2 { try await pool.send(RedisCommand("PING")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 { group.addTask { try await pool.send(RedisCommand("INCR", .string(key))) } }
                try await group.waitForAll()
            }
            #expect(try await pool.send(RedisCommand("GET", .string(key))).integer == 200)
            #expect(try await clientIDs(named: name, using: admin).count == 2)
        }
        try await admin.delete(key)
        try await admin.close()
    }

    @Test("a pipeline through the pool shares a connection when all its commands may, else leases one")
    func pipelines() async throws {
        try await withOneSharedConnection(maximum: 4) { pool, name, key, admin in
            let counts = try await pool.pipeline([RedisCommand("INCR", .string(key)), RedisCommand("INCR", .string(key))])
            #expect(try counts.map { try $0.get().integer } == [1, 2])
            #expect(try await clientIDs(named: name, using: admin).count == 1)
            // CLIENT is bound to its connection: the pipeline gets one of its own, while
            // the shared connection stays leased to the sharing.
            let named = try await pool.pipeline([RedisCommand("INCR", .string(key)), RedisCommand("CLIENT", "GETNAME")])
            #expect(try named[0].get().integer == 3)
            #expect(try named[1].get().string == name)
            #expect(try await clientIDs(named: name, using: admin).count == 2)
        }
    }

    @Test("a transaction opened and closed within one pipeline runs on the shared connection, whole, among other callers' commands")
    func transactionPipelinesShare() async throws {
        try await withOneSharedConnection(maximum: 4) { pool, name, key, admin in
            try await pool.send(RedisCommand("PING"))  // opens the shared connection
            // Plain commands from many tasks on the same shared connection: if one fell
            // inside a transaction, it would be queued there and answer QUEUED.
            let transactions = try await withThrowingTaskGroup(of: [Result<RESPValue, any Error>]?.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            try await pool.send(RedisCommand("INCR", .string(key)))
                            return nil
                        }
                        return try await pool.pipeline([
                            RedisCommand("MULTI"), RedisCommand("INCR", .string(key)), RedisCommand("INCR", .string(key)),
                            RedisCommand("EXEC"),
                        ])
                    }
                }
                var all: [[Result<RESPValue, any Error>]] = []
                for try await case let results? in group { all.append(results) }
                return all
            }
            #expect(transactions.count == 100)
            for results in transactions {
                let exec = try #require(try results[3].get().array)
                let (first, second) = (try #require(exec[0].integer), try #require(exec[1].integer))
                // Atomic: nothing of another caller's ran between the two increments.
                #expect(second == first + 1)
            }
            #expect(try await pool.send(RedisCommand("GET", .string(key))).integer == 300)
            #expect(try await clientIDs(named: name, using: admin).count == 1)
        }
    }

    @Test("a blocking command sent through the pool gets a connection of its own")
    func blockingCommandLeases() async throws {
        try await withOneSharedConnection(maximum: 2) { pool, name, key, admin in
            try await pool.send(RedisCommand("PING"))  // opens the shared connection
            // Not marked blocking: recognised by its name. On the shared connection it would
            // hold up the LPUSH that ends it, and the test would wait out the timeout.
            async let popped = pool.send(RedisCommand("BLPOP", .string(key), 0), timeout: .seconds(120))
            // Push only once BLPOP waits on the server, so that it is the push that wakes it.
            while true {
                let clients = try await admin.send("CLIENT", "LIST").string ?? ""
                let blocked = clients.split(separator: "\n").contains {
                    $0.contains(" name=\(name) ") && $0.contains(" cmd=blpop ")
                }
                if blocked { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await pool.send(RedisCommand("LPUSH", .string(key), "job"))
            #expect(try await popped.array?.last?.string == "job")
        }
    }

    @Test("a shared connection the server closed is replaced")
    func sharedConnectionReplaced() async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let admin = try await connectToTestServer()
        var configuration = try poolConfiguration(name: name, maximum: 4)
        configuration.sharedConnections = 1
        try await withRunningPool(configuration) { pool in
            #expect(try await pool.send(RedisCommand("PING")).string == "PONG")
            #expect(try await clientIDs(named: name, using: admin).count == 1)
            try await expectFreshConnections(named: name, admin: admin) {
                try await pool.send(RedisCommand("PING")).string == "PONG"
            }
        }
        try await admin.close()
    }

    @Test("with a single connection nothing is shared: sends and leases take turns on it")
    func singleConnectionNotShared() async throws {
        let name = "pool-\(UUID().uuidString.prefix(8))"
        let key = uniqueKey()
        let admin = try await connectToTestServer()
        try await withRunningPool(try poolConfiguration(name: name, maximum: 1)) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await pool.send(RedisCommand("INCR", .string(key))) }
                    group.addTask { _ = try await pool.withConnection { try await $0.increment(key) } }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.send(RedisCommand("GET", .string(key))).integer == 40)
            #expect(try await clientIDs(named: name, using: admin).count == 1)
        }
        try await admin.delete(key)
        try await admin.close()
    }

    @Test("a lease made while the pool is not running waits, then times out")
    func notRunning() async throws {
        var configuration = try poolConfiguration(name: "pool-stopped", maximum: 1)
        configuration.leaseTimeout = .milliseconds(100)
        let pool = RedisConnectionPool(configuration: configuration)
        let error = await #expect(throws: RedisPoolError.self) { try await pool.withConnection { try await $0.ping() } }
        #expect(error?.kind == .timeout)
    }
}
