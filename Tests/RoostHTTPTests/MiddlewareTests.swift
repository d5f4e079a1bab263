import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RoostCoordination
import RoostCore
import RoostHTTP
import RoostTestSupport
import Synchronization
import Testing

private func request(_ headers: HTTPFields = [:]) -> Request {
    Request(
        head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: "/", headerFields: headers),
        body: RequestBody(buffer: ByteBuffer()))
}

private func peer(_ ip: String) throws -> SocketAddress { try SocketAddress(ipAddress: ip, port: 1234) }

@Suite struct ClientIPResolverTests {
    private let xff = HTTPField.Name("x-forwarded-for")!

    @Test func withoutTrustedProxiesThePeerIsTheClient() throws {
        let resolver = try ClientIPResolver()
        let spoofed = request([xff: "1.2.3.4"])
        #expect(resolver.clientIP(spoofed, peer: try peer("203.0.113.9"))?.description == "203.0.113.9")
    }

    @Test func readsForwardedForRightToLeftPastTrustedProxies() throws {
        let resolver = try ClientIPResolver(trustedProxies: ["10.0.0.0/8"])
        let forwarded = request([xff: "6.6.6.6, 198.51.100.7, 10.0.0.2"])
        #expect(resolver.clientIP(forwarded, peer: try peer("10.0.0.1"))?.description == "198.51.100.7")
    }

    @Test func ignoresForwardingHeadersFromUntrustedPeers() throws {
        let resolver = try ClientIPResolver(trustedProxies: ["10.0.0.0/8"])
        #expect(resolver.clientIP(request([xff: "1.1.1.1"]), peer: try peer("8.8.8.8"))?.description == "8.8.8.8")
    }

    @Test func usesRealIPWhenThereIsNoForwardedFor() throws {
        let resolver = try ClientIPResolver(trustedProxies: ["::1"])
        let real = request([HTTPField.Name("x-real-ip")!: "2001:db8::5"])
        #expect(resolver.clientIP(real, peer: try peer("::1"))?.description == "2001:db8::5")
    }

    @Test func stopsAtGarbageInTheChain() throws {
        let resolver = try ClientIPResolver(trustedProxies: ["10.0.0.0/8"])
        let forged = request([xff: "1.1.1.1, <script>"])
        #expect(resolver.clientIP(forged, peer: try peer("10.0.0.1"))?.description == "10.0.0.1")
    }

    @Test func rejectsInvalidProxyLists() {
        #expect(throws: InvalidIPNetwork.self) { try ClientIPResolver(trustedProxies: ["10.0.0.0/99"]) }
    }
}

@Suite struct MiddlewareTests {
    private func app(
        _ middleware: some RouterMiddleware<BasicRoostRequestContext>, logger: Logger = Logger(label: "test"),
        routes: (Router<BasicRoostRequestContext>) -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: middleware)
        routes(router)
        return Application(router: router, logger: logger)
    }

    @Test func timestampIsTheServerTimeInMilliseconds() async throws {
        let app = app(TimestampMiddleware(now: { Date(timeIntervalSince1970: 1_700_000_000.1239) })) {
            $0.get("/") { _, _ in "ok" }
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[TimestampMiddleware<BasicRoostRequestContext>.headerName] == "1700000000123")
            }
        }
    }

    @Test func slowRequestsGet503AndTheirHandlerIsCancelled() async throws {
        let timer = ManualRequestTimer()
        let cancelled = Mutex(false)
        let app = app(RequestTimeoutMiddleware(timeout: .seconds(5), timer: timer)) {
            $0.get("/slow") { _, _ -> String in
                do { try await Task.sleep(for: .seconds(3_600)) } catch { cancelled.withLock { $0 = true } }
                return "late"
            }
            $0.get("/fast") { _, _ in "fast" }
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/fast", method: .get) { response in
                #expect(String(buffer: response.body) == "fast")
            }
            #expect(timer.pending == 0)  // the fast request cancelled its timer
            async let slow = client.execute(uri: "/slow", method: .get) { response in
                (response.status, String(buffer: response.body))
            }
            await timer.waitUntilPending(1)
            #expect(timer.delays == [.seconds(5)])
            timer.fireAll()
            let (status, body) = try await slow
            #expect(status == .serviceUnavailable)
            #expect(body.contains(#""code":503"#))
        }
        #expect(cancelled.withLock { $0 })
    }

    @Test func declaredOversizedBodiesGet413() async throws {
        let app = app(BodySizeLimitMiddleware(maxBytes: 10)) {
            $0.post("/echo") { request, _ in String(buffer: try await request.body.collect(upTo: .max)) }
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "0123456789")) { response in
                #expect(String(buffer: response.body) == "0123456789")
            }
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "0123456789X")) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains(#""code":413"#))
            }
        }
    }

    @Test func streamedOversizedBodiesGet413() async throws {
        let app = app(BodySizeLimitMiddleware(maxBytes: 1_000)) {
            $0.post("/echo") { request, _ in String(try await request.body.collect(upTo: .max).readableBytes) }
        }
        try await app.test(.live) { client in
            let chunked: HTTPFields = [.transferEncoding: "chunked"]
            try await client.execute(
                uri: "/echo", method: .post, headers: chunked, body: ByteBuffer(repeating: 65, count: 5_000)
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func rateLimitRefusesWithRetryAfter() async throws {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 2, window: .seconds(60)), clock: clock)
        let app = app(RateLimitMiddleware(limiter: limiter) { request, _ in request.headers[.authorization] }) {
            $0.get("/") { _, _ in "ok" }
        }
        try await app.test(.router) { client in
            let alice: HTTPFields = [.authorization: "alice"]
            for remaining in ["1", "0"] {
                try await client.execute(uri: "/", method: .get, headers: alice) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("x-ratelimit-remaining")!] == remaining)
                }
            }
            try await client.execute(uri: "/", method: .get, headers: alice) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "60")
                #expect(String(buffer: response.body).contains(#""code":429"#))
            }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "bob"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)  // no key: not limited
            }
            clock.advance(by: .seconds(60))
            try await client.execute(uri: "/", method: .get, headers: alice) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func accessLogWritesOneStructuredLinePerRequest() async throws {
        let records = LogCapture()
        var logger = Logger(label: "access") { _ in CapturingLogHandler(capture: records) }
        logger.logLevel = .info
        let app = app(AccessLogMiddleware(), logger: logger) {
            $0.get("/items/:id") { _, _ in "ok" }
        }
        try await app.test(.live) { client in
            try await client.execute(uri: "/items/7?token=secret", method: .get) { _ in }
            try await client.execute(uri: "/missing", method: .get) { _ in }
        }
        let lines = records.lines.filter { $0.metadata["http.status"] != nil }
        #expect(lines.map(\.message) == ["GET /items/7 200", "GET /missing 404"])
        #expect(lines[0].metadata["client.ip"] == "127.0.0.1")
        #expect(lines[0].metadata["request_id"]?.isEmpty == false)
        #expect(!lines.contains { $0.message.contains("secret") })
    }
}

/// A ``RequestTimer`` whose callbacks run only when the test fires them.
private final class ManualRequestTimer: RequestTimer {
    struct Handle: Sendable { let id: Int }
    private struct State {
        var nextID = 0
        var actions: [Int: (delay: Duration, action: @Sendable () -> Void)] = [:]
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state = Mutex(State())

    var pending: Int { state.withLock { $0.actions.count } }
    var delays: [Duration] { state.withLock { $0.actions.values.map(\.delay) } }

    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Handle {
        let (handle, ready) = state.withLock { state -> (Handle, [CheckedContinuation<Void, Never>]) in
            state.nextID += 1
            state.actions[state.nextID] = (delay, action)
            let count = state.actions.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return (Handle(id: state.nextID), ready)
        }
        ready.forEach { $0.resume() }
        return handle
    }

    func cancel(_ handle: Handle) {
        _ = state.withLock { $0.actions.removeValue(forKey: handle.id) }
    }

    func fireAll() {
        let actions = state.withLock { state in
            defer { state.actions = [:] }
            return state.actions.values.map(\.action)
        }
        actions.forEach { $0() }
    }

    func waitUntilPending(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.actions.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// Where captured log lines are kept.
private final class LogCapture: Sendable {
    struct Line: Sendable {
        var message: String
        var metadata: [String: String]
    }
    private let storage = Mutex<[Line]>([])
    var lines: [Line] { storage.withLock { $0 } }
    func append(_ line: Line) { storage.withLock { $0.append(line) } }
}

/// A log handler that keeps every line, with its metadata, for assertions.
private struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append(.init(message: event.message.description, metadata: merged.mapValues { $0.description }))
    }
}
