import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Kills and restarts a dedicated redis-server under load.
@Suite("Server killed and restarted", .requires(.redis))
struct ServerRestartTests {
    @Test("killing the server mid-pipeline fails in-flight commands with a connection error in time; the pool and a subscriber recover after restart")
    func killMidPipeline() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let configuration = try RedisConnectionConfiguration(url: server.url)
        var poolConfiguration = RedisPoolConfiguration(connection: configuration)
        poolConfiguration.maximumConnections = 2
        let pool = RedisConnectionPool(configuration: poolConfiguration)
        var subscriberConfiguration = RedisSubscriber.Configuration(connection: configuration)
        subscriberConfiguration.minimumReconnectDelay = .milliseconds(20)
        subscriberConfiguration.maximumReconnectDelay = .milliseconds(200)
        let subscriber = RedisSubscriber(configuration: subscriberConfiguration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            group.addTask { try await subscriber.run() }
            defer { group.cancelAll() }
            try await withDeadline("the restart test") {
                #expect(try await pool.withConnection { try await $0.ping() } == "PONG")
                try await subscriber.subscribe(channels: "events") { subscription in
                    var events = subscription.makeAsyncIterator()
                    let connection = try await RedisConnection.connect(configuration: configuration)
                    // A blocking pop holds back every reply after it, so the commands behind it
                    // are still in flight when the server dies.
                    let commands =
                        (0..<2_000).map { RedisCommand("INCR", .string("n\($0 % 10)")) }
                        + [RedisCommand("BLPOP", "never", 0)]
                        + (0..<2_000).map { RedisCommand("GET", .string("n\($0 % 10)")) }
                    let deadline = Duration.seconds(10)
                    let started = ContinuousClock.now
                    async let results = connection.pipeline(commands, timeout: deadline)
                    // Wait until the server has answered the first part, then kill it.
                    while (try await pool.withConnection { try await $0.get("n9") }) == nil {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    server.kill()
                    let outcomes = try await results
                    #expect(ContinuousClock.now - started < deadline)
                    let failures = outcomes.compactMap { outcome -> (any Error)? in
                        if case .failure(let error) = outcome { return error }
                        return nil
                    }
                    #expect(failures.count >= 2_001, "the BLPOP and everything behind it")
                    #expect(failures.allSatisfy { ($0 as? RedisConnectionError)?.kind == .closed })
                    #expect(!connection.isOpen)
                    await #expect(throws: RedisConnectionError.self) { try await connection.ping() }

                    try await server.start()
                    // The pool replaces its dead connection.
                    var recovered = false
                    while !recovered {
                        do {
                            recovered = try await pool.withConnection { try await $0.ping() } == "PONG"
                        } catch let error where error is RedisConnectionError || error is RedisPoolError {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    // The subscriber subscribed again and says messages may be missing.
                    #expect(await events.next() == .gap(.reconnected))
                    #expect(try await pool.withConnection { try await $0.publish("back", to: "events") } == 1)
                    #expect(await events.next()?.message?.string == "back")
                }
            }
        }
    }
}
