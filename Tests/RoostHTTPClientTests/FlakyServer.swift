import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A clock whose sleeps return at once and are recorded, so backoff is observable
/// without waiting. Its time stands still, so a recorded wait is exactly the one asked for.
final class RecordingClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant
    private let recorded = Mutex<[Duration]>([])
    let now = ContinuousClock.now
    var minimumResolution: Duration { .zero }
    var sleeps: [Duration] { recorded.withLock { $0 } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        recorded.withLock { $0.append(now.duration(to: deadline)) }
    }
}

/// Counts requests per key and records request headers, shared by the test server's routes.
final class ServerLog: Sendable {
    private let state = Mutex<(counts: [String: Int], ranges: [String])>(([:], []))
    /// Increments and returns the count of `key`.
    func hit(_ key: String) -> Int {
        state.withLock {
            $0.counts[key, default: 0] += 1
            return $0.counts[key]!
        }
    }
    func count(_ key: String) -> Int { state.withLock { $0.counts[key, default: 0] } }
    func recordRange(_ value: String) { state.withLock { $0.ranges.append(value) } }
    var ranges: [String] { state.withLock { $0.ranges } }
}

struct ServerDropped: Error {}

/// The 1000 bytes `/file` serves.
let fileContent = ByteBuffer(bytes: (0..<1000).map { UInt8($0 % 251) })

/// Starts a live Hummingbird server that fails, delays and drops on purpose, and runs
/// `body` with its base URL.
func withFlakyServer(_ log: ServerLog = ServerLog(), _ body: @Sendable (String) async throws -> Void) async throws {
    let router = Router()
    router.on("/flaky", method: .get, use: flaky(log))
    router.on("/flaky", method: .post, use: flaky(log))
    router.get("/retry-after") { request, _ -> Response in
        let key = request.uri.queryParameters.get("key") ?? ""
        guard log.hit(key) > 1 else {
            let after = request.uri.queryParameters.get("after") ?? "2"
            return Response(status: .serviceUnavailable, headers: [.retryAfter: after])
        }
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
    router.get("/slow") { _, _ -> String in
        try await Task.sleep(for: .seconds(2))
        return "late"
    }
    router.get("/stall") { _, _ -> Response in
        Response(
            status: .ok, headers: [.eTag: "\"s1\""],
            body: ResponseBody(contentLength: 1000) { writer in
                try await writer.write(ByteBuffer(repeating: 1, count: 500))
                try await Task.sleep(for: .seconds(3))
                try await writer.finish(nil)
            })
    }
    router.get("/big") { _, _ in ByteBuffer(repeating: 65, count: 10_000) }
    router.get("/chunked-big") { _, _ -> Response in
        Response(
            status: .ok,
            body: ResponseBody { writer in
                for _ in 0..<10 { try await writer.write(ByteBuffer(repeating: 66, count: 1_000)) }
                try await writer.finish(nil)
            })
    }
    router.get("/json") { _, _ in ByteBuffer(string: #"{"name":"ada","age":36}"#) }
    router.post("/echo") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 20)
        let type = request.headers[.contentType] ?? ""
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: body))
    }
    router.get("/redirect/{n}") { request, context -> Response in
        let n = try context.parameters.require("n", as: Int.self)
        return Response(status: .found, headers: [.location: "/redirect/\(n + 1)"])
    }
    router.get("/missing") { _, _ in Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "gone"))) }
    router.get("/file") { request, _ in serveFile(request, log) }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body("http://127.0.0.1:\(try #require(client.port))")
    }
}

/// `GET|POST /flaky?key=K&fail=N&status=S`: answers S (default 503) N times per key, then 200.
private func flaky(_ log: ServerLog) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
    { request, _ in
        let query = request.uri.queryParameters
        let failures = query.get("fail", as: Int.self) ?? 1
        let status = query.get("status", as: Int.self) ?? 503
        if log.hit(query.get("key") ?? "") <= failures {
            return Response(status: .init(code: status))
        }
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
}

/// `GET /file?key=K&drop=N`: 1000 bytes with an ETag, honouring `Range`/`If-Range`
/// (206/416); the first N responses per key break the connection after 500 bytes.
private func serveFile(_ request: Request, _ log: ServerLog) -> Response {
    let query = request.uri.queryParameters
    let drops = query.get("drop", as: Int.self) ?? 0
    let etag = "\"v1\""
    var start = 0
    if let range = request.headers[.range] {
        log.recordRange(range)
        if request.headers[HTTPField.Name("If-Range")!] == etag,
            let value = range.split(separator: "=").last?.split(separator: "-").first, let from = Int(value)
        {
            start = from
        }
    }
    if start >= fileContent.readableBytes {
        return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(fileContent.readableBytes)"])
    }
    var headers: HTTPFields = [.eTag: etag]
    if start > 0 {
        headers[.contentRange] = "bytes \(start)-\(fileContent.readableBytes - 1)/\(fileContent.readableBytes)"
    }
    let slice = fileContent.getSlice(at: start, length: fileContent.readableBytes - start)!
    let drop = log.hit(query.get("key") ?? "") <= drops
    let status: HTTPResponse.Status = start > 0 ? .partialContent : .ok
    return Response(
        status: status, headers: headers,
        body: ResponseBody(contentLength: slice.readableBytes) { writer in
            if drop {
                try await writer.write(slice.getSlice(at: 0, length: min(500, slice.readableBytes))!)
                throw ServerDropped()
            }
            try await writer.write(slice)
            try await writer.finish(nil)
        })
}

/// A loopback port nothing listens on: bound once by the OS, then closed.
func unusedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = try #require(channel.localAddress?.port)
    try await channel.close()
    return port
}
