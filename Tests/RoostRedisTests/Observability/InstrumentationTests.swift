import InMemoryTracing
import MetricsTestKit
import RoostTestSupport
import Testing
import Tracing

@testable import RoostRedis

@Suite("Command metrics and spans against redis-server", .requires(.redis))
struct InstrumentationTests {
    private func configuration(metrics: TestMetrics, tracer: InMemoryTracer) throws -> RedisConnectionConfiguration {
        var configuration = try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString)
        configuration.instrumentation = DriverInstrumentation(metricsFactory: metrics, tracer: tracer)
        return configuration
    }

    @Test("each command is timed and gets a client span named after it, without its arguments")
    func commandsAreTimedAndTraced() async throws {
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        let configuration = try configuration(metrics: metrics, tracer: tracer)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let key = uniqueKey()
        try await connection.set(key, to: "a secret value")
        #expect(try await connection.getString(key) == "a secret value")
        try await connection.close()

        let server = "\(configuration.host):\(configuration.port)"
        let timer = try metrics.expectTimer(
            "roost_redis_command_duration_seconds", [("operation", "SET"), ("server", server)])
        #expect(timer.values.count == 1)
        #expect(timer.values.allSatisfy { $0 > 0 })
        let set = try #require(tracer.finishedSpans.first { $0.operationName == "SET" })
        #expect(set.kind == .client)
        #expect(set.attributes.get("db.system.name") == .string("redis"))
        #expect(set.attributes.get("db.operation.name") == .string("SET"))
        #expect(set.attributes.get("server.address") == .string(configuration.host))
        #expect(set.attributes.get("server.port") == .int64(Int64(configuration.port)))
        #expect(set.status == nil)
        for span in tracer.finishedSpans {
            span.attributes.forEach { _, value in #expect(!"\(value)".contains("secret")) }
        }
    }

    @Test("a failing command is counted by error type and its span records the error")
    func failuresAreCountedAndRecorded() async throws {
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        let configuration = try configuration(metrics: metrics, tracer: tracer)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let key = uniqueKey()
        try await connection.set(key, to: "not a number")
        await #expect(throws: RedisServerError.self) { try await connection.increment(key) }
        try await connection.close()

        let server = "\(configuration.host):\(configuration.port)"
        let errors = try metrics.expectCounter(
            "roost_redis_command_errors_total",
            [("operation", "INCR"), ("server", server), ("error", "RedisServerError")])
        #expect(errors.totalValue == 1)
        let incr = try #require(tracer.finishedSpans.first { $0.operationName == "INCR" })
        #expect(incr.status?.code == .error)
        #expect(incr.errors.count == 1)
    }

    @Test("a pipeline is one span and one timing")
    func pipelineIsOneOperation() async throws {
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        let configuration = try configuration(metrics: metrics, tracer: tracer)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let key = uniqueKey()
        let results = try await connection.pipeline([RedisCommand("INCR", .string(key)), RedisCommand("INCR", .string(key))])
        #expect(try results.map { try $0.get().integer } == [1, 2])
        try await connection.close()

        let server = "\(configuration.host):\(configuration.port)"
        #expect(try metrics.expectTimer(
            "roost_redis_command_duration_seconds", [("operation", "PIPELINE"), ("server", server)]).values.count == 1)
        #expect(tracer.finishedSpans.filter { $0.operationName == "PIPELINE" }.count == 1)
        #expect(tracer.finishedSpans.allSatisfy { $0.operationName != "INCR" })
    }

    @Test("the pool reports open and leased connections, waiting callers and lease timeouts")
    func poolGauges() async throws {
        let metrics = TestMetrics()
        var connection = try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString)
        connection.instrumentation = DriverInstrumentation(metricsFactory: metrics, tracer: nil)
        connection.instrumentation.tracing = false
        var configuration = RedisPoolConfiguration(connection: connection)
        configuration.maximumConnections = 2
        configuration.leaseTimeout = .seconds(120)
        let pool = RedisConnectionPool(configuration: configuration)
        let dimensions = [("system", "redis"), ("server", connection.address)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            try await pool.withConnection { connection in
                _ = try await connection.ping()
                #expect(try metrics.expectGauge("roost_pool_connections_in_use", dimensions).lastValue == 1)
            }
            #expect(try metrics.expectGauge("roost_pool_connections", dimensions).lastValue ?? 0 >= 1)
            #expect(try metrics.expectGauge("roost_pool_connections_in_use", dimensions).lastValue == 0)
            #expect(try metrics.expectGauge("roost_pool_waiting_requests", dimensions).values.contains(1))
            #expect(try metrics.expectGauge("roost_pool_waiting_requests", dimensions).lastValue == 0)
            let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
            let gate = Gate()
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withConnection { _ in
                        heldContinuation.yield()
                        await gate.wait()
                    }
                }
            }
            var holders = held.makeAsyncIterator()
            _ = await holders.next()
            _ = await holders.next()
            await #expect(throws: RedisPoolError.self) {
                try await pool.withConnection(leaseTimeout: .milliseconds(50)) { try await $0.ping() }
            }
            #expect(try metrics.expectCounter("roost_pool_lease_timeouts_total", dimensions).totalValue == 1)
            gate.open()
            group.cancelAll()
        }
    }
}
