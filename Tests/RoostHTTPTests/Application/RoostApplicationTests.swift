import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import NIOCore
import Prometheus
import RoostConfig
import RoostCore
import RoostRedis
import RoostTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import RoostHTTP

/// What happened, in order, across the application, its services and its hooks.
private final class Events: Sendable {
    private let list = Mutex<[String]>([])
    func record(_ event: String) { list.withLock { $0.append(event) } }
    var all: [String] { list.withLock { $0 } }
}

/// A long-lived part (a stand-in for a pool): records when it starts and when it is
/// shut down.
private struct RecordingService: Service {
    let name: String
    let events: Events

    func run() async throws {
        events.record("\(name) started")
        try? await gracefulShutdown()
        events.record("\(name) stopped")
    }
}

private struct SetupFailed: Error {}

/// A few kilobytes of text worth compressing, though not so repetitive that a client's
/// decompression-ratio guard refuses it.
private let stockReport = (0..<500).map { "sku-\($0 * 7_919 % 10_007)" }.joined(separator: " ")

/// Settings for a test server on a free loopback port.
private func testSettings(_ change: (inout HTTPSettings) -> Void = { _ in }) -> HTTPSettings {
    var settings = HTTPSettings(host: "127.0.0.1", port: 0, accessLog: false)
    change(&settings)
    return settings
}

/// Runs `app` in a service group, calls `body` with its base URL once it listens, then
/// shuts it down gracefully and waits until it has stopped.
private func withRunning<Context>(
    _ make: (@escaping @Sendable (any Channel) async -> Void) -> RoostApplication<Context>,
    _ body: @escaping @Sendable (_ base: String, _ group: ServiceGroup) async throws -> Void
) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = make { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
    }
    let group = ServiceGroup(services: [app], logger: Logger(label: "test"))
    try await withDeadline("a RoostApplication test") {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body("http://127.0.0.1:\(port)", group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

private func get(_ url: String, headers: [(String, String)] = [], method: HTTPMethod = .GET) async throws
    -> (status: Int, headers: HTTPHeaders, body: String)
{
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, String(buffer: body))
}

@Suite struct RoostApplicationTests {
    @Test func servesTheStackTheSettingsAskFor() async throws {
        let settings = testSettings {
            $0.compression = true
            $0.corsOrigins = ["https://shop.example"]
        }
        try await withRunning({ running in
            RoostApplication(name: "orders", version: "2.1.0", settings: settings, onServerRunning: running) { app in
                app.readiness.register(ClosureHealthCheck("disk") {})
                app.router.get("/report") { _, context in
                    Envelope.success(stockReport, context: context)
                }
            }
        }) { base, _ in
            let health = try await get(base + "/health")
            #expect(health.status == 200)
            #expect(health.body.contains(#""service":"orders""#) && health.body.contains(#""version":"2.1.0""#))
            #expect(health.headers.first(name: "x-request-id") != nil)
            #expect(health.headers.first(name: "server") == "orders")

            let ready = try await get(base + "/ready")
            #expect(ready.status == 200 && ready.body.contains(#""name":"disk""#))

            let missing = try await get(base + "/nowhere")
            #expect(missing.status == 404 && missing.body.contains(#""code":404"#))
            let wrongMethod = try await get(base + "/report", method: .DELETE)
            #expect(wrongMethod.status == 405 && wrongMethod.headers.first(name: "allow") == "GET")

            let compressed = try await get(base + "/report", headers: [("accept-encoding", "gzip")])
            #expect(compressed.status == 200 && compressed.headers.first(name: "content-encoding") == "gzip")

            let preflight = try await get(
                base + "/report", headers: [("origin", "https://shop.example"), ("access-control-request-method", "GET")],
                method: .OPTIONS)
            #expect(preflight.headers.first(name: "access-control-allow-origin") == "https://shop.example")
            let foreign = try await get(base + "/report", headers: [("origin", "https://evil.example")])
            #expect(foreign.headers.first(name: "access-control-allow-origin") == nil)

            let metrics = try await get(base + "/metrics")
            #expect(metrics.body.contains("http_requests_total"))
            #expect(metrics.body.contains(#"route="/report""#))
        }
    }

    @Test func leavesOutWhatTheSettingsTurnOff() async throws {
        let settings = testSettings { $0.metrics = false }
        try await withRunning({ running in
            RoostApplication(name: "quiet", settings: settings, onServerRunning: running) { app in
                app.router.get("/report") { _, context in
                    Envelope.success(stockReport, context: context)
                }
            }
        }) { base, _ in
            #expect(try await get(base + "/metrics").status == 404)
            let plain = try await get(base + "/report", headers: [("accept-encoding", "gzip")])
            #expect(plain.headers.first(name: "content-encoding") == nil)
            let preflight = try await get(
                base + "/report", headers: [("origin", "https://shop.example"), ("access-control-request-method", "GET")],
                method: .OPTIONS)
            #expect(preflight.headers.first(name: "access-control-allow-origin") == nil)
        }
    }

    @Test func stopsTheServerThenRunsHooksThenStopsServices() async throws {
        let events = Events()
        let handlerStarted = Gate()
        let release = Gate()
        try await withRunning({ running in
            RoostApplication(name: "orders", settings: testSettings(), onServerRunning: running) { app in
                try await app.open("pool", RecordingService(name: "pool", events: events))
                app.onShutdown { events.record("first hook") }
                app.onShutdown { events.record("second hook") }
                app.router.get("/slow") { _, context in
                    events.record("request started")
                    handlerStarted.open()
                    await release.wait()
                    events.record("request done")
                    return Envelope.success("done", context: context)
                }
            }
        }) { base, group in
            try await withThrowingTaskGroup(of: Int.self) { requests -> Void in
                requests.addTask { try await get(base + "/slow").status }
                await handlerStarted.wait()
                await group.triggerGracefulShutdown()
                release.open()
                let status = try await requests.next()
                #expect(status == 200)
            }
        }
        #expect(
            events.all == [
                "pool started", "request started", "request done", "second hook", "first hook", "pool stopped",
            ])
    }

    @Test func failedSetupStopsWhatItOpenedAndThrows() async throws {
        let events = Events()
        let app = RoostApplication(name: "orders", settings: testSettings()) { app in
            try await app.open("pool", RecordingService(name: "pool", events: events))
            app.onShutdown { events.record("hook") }
            throw SetupFailed()
        }
        await #expect(throws: SetupFailed.self) { try await withDeadline("a failing setup") { try await app.run() } }
        #expect(events.all == ["pool started", "pool stopped"])
    }

    @Test func invalidSettingsFailBeforeAnythingOpens() async throws {
        let opened = Events()
        let badProxy = RoostApplication(name: "orders", settings: testSettings { $0.trustedProxies = ["proxy.local"] }) { _ in
            opened.record("setup")
        }
        await #expect(throws: InvalidIPNetwork.self) { try await badProxy.run() }
        let badCORS = RoostApplication(
            name: "orders",
            settings: testSettings {
                $0.corsOrigins = ["*"]
                $0.corsAllowCredentials = true
            }
        ) { _ in opened.record("setup") }
        await #expect(throws: InvalidCORSPolicy.self) { try await badCORS.run() }
        #expect(opened.all.isEmpty)
    }
}

@Suite("RoostApplication with a Redis pool", .requires(.redis))
struct RoostApplicationRedisTests {
    @Test func driverMetricsAndPoolHealthReachTheOperationsRoutes() async throws {
        let url = try TestServer.redis.url().absoluteString
        try await withRunning({ running in
            RoostApplication(name: "orders", settings: testSettings(), onServerRunning: running) { app in
                var connection = try RedisConnectionConfiguration(url: url)
                connection.instrumentation.metricsFactory = PrometheusMetricsFactory(registry: app.metrics)
                let redis = try await app.open("redis", RedisConnectionPool(configuration: .init(connection: connection)))
                app.readiness.register(redis)
                app.router.get("/ping") { _, context in
                    Envelope.success(try await redis.withConnection { try await $0.ping() }, context: context)
                }
            }
        }) { base, _ in
            let ping = try await get(base + "/ping")
            #expect(ping.status == 200 && ping.body.contains("PONG"))
            // Readiness gives each check two seconds; a runner loaded by other tests can miss
            // that once, so a few tries are allowed before the check counts as down.
            var ready = try await get(base + "/ready")
            for _ in 0..<5 where ready.status != 200 { ready = try await get(base + "/ready") }
            #expect(ready.status == 200 && ready.body.contains(#""name":"redis""#), "\(ready.body)")
            let metrics = try await get(base + "/metrics").body
            #expect(metrics.contains("roost_redis_command_duration_seconds"))
            #expect(metrics.contains(#"db_operation_name="PING""#) || metrics.contains("PING"))
            #expect(metrics.contains("roost_pool_connections"))
            #expect(metrics.contains("http_requests_total"))
        }
    }
}
