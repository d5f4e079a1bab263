import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import RoostCore
import RoostHTTP
import Testing

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

private struct Down: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}

@Suite struct MetricsTests {
    private func app(_ registry: PrometheusCollectorRegistry) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(registry: registry))
        router.addRoostMiddleware(.init(accessLog: false))
        router.get("/orders/:id") { _, context in Envelope.success("ok", context: context) }
        router.get("/boom") { _, _ -> String in throw AppError(code: 7, status: .conflict, message: "no") }
        router.addMetricsRoute(registry: registry)
        return Application(router: router)
    }

    @Test func countsByRoutePatternMethodAndStatus() async throws {
        let registry = PrometheusCollectorRegistry()
        try await app(registry).test(.router) { client in
            for id in 1...3 { try await client.execute(uri: "/orders/\(id)", method: .get) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/boom", method: .get) { #expect($0.status == .conflict) }
            for path in ["/random/a", "/random/b", "/../etc/passwd"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound) }
            }
            try await client.execute(uri: "/orders/1", method: .init("BREW")!) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"http_requests_total{route="/orders/{id}",method="GET",status="200"} 3"#))
                #expect(text.contains(#"http_requests_total{route="/boom",method="GET",status="409"} 1"#))
                #expect(text.contains(#"http_requests_total{route="unmatched",method="GET",status="404"} 3"#))
                #expect(text.contains(#"method="OTHER""#))
                #expect(text.contains(#"http_request_duration_seconds_count{route="/orders/{id}",method="GET",status="200"} 3"#))
                #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
                #expect(!text.contains("/orders/1\""))
            }
        }
    }
}

@Suite struct ReadinessTests {
    private func app(_ checks: HealthCheckRegistry) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.addRoostMiddleware(.init(accessLog: false))
        router.addReadinessRoute(checks: checks, timeout: .seconds(5))
        return Application(router: router)
    }

    @Test func everyRegisteredCheckUpAnswers200() async throws {
        let checks = HealthCheckRegistry()
        checks.register(ClosureHealthCheck("database") {})
        checks.register(ClosureHealthCheck("redis") {})
        try await app(checks).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect(body["code"] as? Int == 0)
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["status"] as? String == "up")
                #expect((data["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["database", "redis"])
            }
        }
    }

    @Test func oneCheckDownAnswers503WithItsReason() async throws {
        let checks = HealthCheckRegistry()
        checks.register(ClosureHealthCheck("database") {})
        checks.register(ClosureHealthCheck("redis") { throw Down() })
        try await app(checks).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try object(response.body)
                #expect(body["code"] as? Int == 503)
                let results = try #require((body["data"] as? [String: Any])?["checks"] as? [[String: Any]])
                #expect(results.last?["status"] as? String == "down")
                #expect(results.last?["reason"] as? String == "connection refused")
            }
        }
        checks.unregister(named: "redis")
        try await app(checks).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func registeringTheSameNameReplaces() {
        let checks = HealthCheckRegistry()
        checks.register(ClosureHealthCheck("db") { throw Down() })
        checks.register(ClosureHealthCheck("db") {})
        #expect(checks.checks.count == 1)
    }
}
