import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import RoostTestSupport
import Testing

@testable import RoostHTTP

/// What the upstream saw of a forwarded request.
private struct Seen: Codable {
    var method: String
    var path: String
    var query: String?
    var bodyBytes: Int
    var forwardedFor: String?
    var forwardedHost: String?
    var connection: String?
    var custom: String?
}

/// An upstream that reports what it received, answers 404 with its own body, and stalls.
private func upstream() -> some ApplicationProtocol {
    let router = Router()
    router.on("/echo/**", method: .get) { request, context in try await seen(request, context) }
    router.on("/echo/**", method: .post) { request, context in try await seen(request, context) }
    router.get("/missing") { _, _ in
        Response(status: .notFound, headers: [.contentType: "text/plain", .init("x-upstream")!: "yes"],
                 body: .init(byteBuffer: ByteBuffer(string: "upstream says no")))
    }
    router.get("/slow") { _, _ -> String in
        try await Task.sleep(for: .seconds(2))
        return "late"
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

private func seen(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
    let body = try await request.body.collect(upTo: 10 << 20)
    let seen = Seen(
        method: request.method.rawValue, path: request.uri.path, query: request.uri.query, bodyBytes: body.readableBytes,
        forwardedFor: request.headers[.init("x-forwarded-for")!], forwardedHost: request.headers[.init("x-forwarded-host")!],
        connection: request.headers[.connection], custom: request.headers[.init("x-custom")!])
    return Response(status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(seen))))
}

/// Runs the upstream and a proxy in front of it (prefix `/api`), live on loopback.
private func withProxy(
    upstreamPort: Int? = nil, timeout: Duration = .seconds(30),
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    // Without retries of refused connections, an unreachable upstream fails at once
    // instead of at the request's deadline.
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        try await withDeadline("a reverse proxy test") {
            try await upstream().test(.live) { upstreamClient in
                let port = try upstreamPort ?? #require(upstreamClient.port)
                let router = Router(context: BasicRoostRequestContext.self)
                router.addRoostMiddleware(RoostMiddlewareOptions(maxBodyBytes: 10 << 20))
                router.addReverseProxy(
                    "/api", to: ReverseProxyConfiguration(upstream: URL(string: "http://127.0.0.1:\(port)")!, timeout: timeout),
                    client: httpClient)
                let proxy = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                try await proxy.test(.live) { client in try await body(client) }
            }
        }
    } catch {
        try await httpClient.shutdown()
        throw error
    }
    try await httpClient.shutdown()
}

@Suite struct ReverseProxyTests {
    @Test func forwardsMethodPathQueryAndHeadersAndDropsHopByHop() async throws {
        try await withProxy { client in
            let headers: HTTPFields = [.init("x-custom")!: "kept", .connection: "keep-alive, x-custom-hop"]
            try await client.execute(uri: "/api/echo/users/7?full=1&x=%20y", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let seen = try JSONDecoder().decode(Seen.self, from: Data(buffer: response.body))
                #expect(seen.method == "GET")
                #expect(seen.path == "/echo/users/7")
                #expect(seen.query == "full=1&x=%20y")
                #expect(seen.custom == "kept")
                #expect(seen.forwardedFor == "127.0.0.1")
                #expect(seen.forwardedHost != nil)
                #expect(seen.connection == nil || seen.connection?.contains("x-custom-hop") == false)
            }
        }
    }

    @Test func streamsALargeRequestBodyUpstream() async throws {
        try await withProxy { client in
            let body = ByteBuffer(repeating: 0x61, count: 3 << 20)
            try await client.execute(uri: "/api/echo/upload", method: .post, body: body) { response in
                #expect(response.status == .ok)
                let seen = try JSONDecoder().decode(Seen.self, from: Data(buffer: response.body))
                #expect(seen.method == "POST")
                #expect(seen.bodyBytes == 3 << 20)
            }
        }
    }

    @Test func upstreamErrorsPassThroughUnchanged() async throws {
        try await withProxy { client in
            try await client.execute(uri: "/api/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == "upstream says no")
                #expect(response.headers[.init("x-upstream")!] == "yes")
            }
        }
    }

    @Test func anUnreachableUpstreamIs502InTheEnvelope() async throws {
        try await withProxy(upstreamPort: 1) { client in
            try await client.execute(uri: "/api/echo/x", method: .get) { response in
                #expect(response.status == .badGateway)
                let text = String(buffer: response.body)
                #expect(text.contains(#""code":502"#))
                #expect(text.contains("request_id"))
            }
        }
    }

    @Test func aSilentUpstreamIs504InTheEnvelope() async throws {
        try await withProxy(timeout: .milliseconds(300)) { client in
            try await client.execute(uri: "/api/slow", method: .get) { response in
                #expect(response.status == .gatewayTimeout)
                #expect(String(buffer: response.body).contains(#""code":504"#))
            }
        }
    }
}
