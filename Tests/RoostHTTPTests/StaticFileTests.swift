import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostHTTP
import Testing

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

@Suite struct StaticFileTests {
    private let base: String
    private let root: String
    private static let content = (0..<1000).map { String($0 % 10) }.joined()

    init() throws {
        let manager = FileManager.default
        base = manager.temporaryDirectory.appendingPathComponent("roost-static-\(UUID().uuidString)").path
        root = base + "/public"
        try manager.createDirectory(atPath: root + "/css", withIntermediateDirectories: true)
        try Self.content.write(toFile: root + "/data.txt", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: root + "/css/site.css", atomically: true, encoding: .utf8)
        try "top secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: base + "/secret.txt")
        try manager.createSymbolicLink(atPath: root + "/escape-dir", withDestinationPath: base)
        try manager.createSymbolicLink(atPath: root + "/inside.txt", withDestinationPath: root + "/data.txt")
    }

    private func app() -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.addRoostMiddleware(.init(accessLog: false))
        router.add(middleware: StaticFileMiddleware(root: root, urlPrefix: "/static", cacheControl: "max-age=60"))
        router.get("/static/api") { _, context in Envelope.success("route wins", context: context) }
        return Application(router: router)
    }

    @Test func servesFilesWithValidators() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/static/data.txt", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == Self.content)
                #expect(response.headers[.contentLength] == "1000")
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.cacheControl] == "max-age=60")
                #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
                #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
            }
            try await client.execute(uri: "/static/css/site.css", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
            }
            try await client.execute(uri: "/static/inside.txt", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "1000")
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/static/api", method: .get) { #expect(String(buffer: $0.body).contains("route wins")) }
        }
    }

    @Test func conditionalRequestsAnswer304() async throws {
        try await app().test(.router) { client in
            let (etag, modified) = try await client.execute(uri: "/static/data.txt", method: .get) {
                ($0.headers[.eTag] ?? "", $0.headers[.lastModified] ?? "")
            }
            try await client.execute(uri: "/static/data.txt", method: .get, headers: [.ifNoneMatch: "\"other\", \(etag)"]) {
                #expect($0.status == .notModified)
                #expect($0.body.readableBytes == 0)
            }
            try await client.execute(uri: "/static/data.txt", method: .get, headers: [.ifModifiedSince: modified]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "/static/data.txt", method: .get, headers: [.ifNoneMatch: "\"stale\""]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test(arguments: [
        ("bytes=0-9", "0123456789", "bytes 0-9/1000"), ("bytes=995-", "56789", "bytes 995-999/1000"),
        ("bytes=-3", "789", "bytes 997-999/1000"), ("bytes=990-5000", "0123456789", "bytes 990-999/1000"),
    ])
    func singleRangesAnswer206(range: String, body: String, contentRange: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/static/data.txt", method: .get, headers: [.range: range]) { response in
                #expect(response.status == .partialContent)
                #expect(String(buffer: response.body) == body)
                #expect(response.headers[.contentRange] == contentRange)
                #expect(response.headers[.contentLength] == String(body.utf8.count))
            }
        }
    }

    @Test func unsatisfiableRangesAnswer416InTheEnvelope() async throws {
        try await app().test(.router) { client in
            for range in ["bytes=1000-", "bytes=5000-6000", "bytes=-0"] {
                try await client.execute(uri: "/static/data.txt", method: .get, headers: [.range: range]) { response in
                    #expect(response.status == .rangeNotSatisfiable)
                    #expect(response.headers[.contentRange] == "bytes */1000")
                    let code = try object(response.body)["code"] as? Int
                    #expect(code == 416)
                }
            }
        }
    }

    @Test func ignoredRangesAndStaleIfRangeAnswerTheWholeFile() async throws {
        try await app().test(.router) { client in
            for headers: HTTPFields in [
                [.range: "bytes=0-1,5-6"], [.range: "items=0-1"], [.range: "bytes=9-2"], [.range: "bytes=abc"],
                [.range: "bytes=0-9", .ifRange: "\"not-the-etag\""],
            ] {
                try await client.execute(uri: "/static/data.txt", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes == 1000)
                }
            }
        }
    }

    @Test(arguments: [
        "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E%2Fsecret.txt", "/static/..%2fsecret.txt",
        "/static/css/%2e%2e/%2e%2e/secret.txt", "/static/%5c..%5csecret.txt", "/static/data.txt%00.png", "/static/%zz",
    ])
    func traversalAttemptsAre400Envelopes(path: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .badRequest)
                let code = try object(response.body)["code"] as? Int
                #expect(code == 400)
                #expect(!String(buffer: response.body).contains("top secret"))
            }
        }
    }

    @Test(arguments: [
        "/static/escape.txt", "/static/escape-dir/secret.txt", "/static//etc/passwd", "/static/" + "/tmp",
        "/static/css", "/static/missing.txt", "/static", "/etc/passwd",
    ])
    func pathsOutsideTheRootOrNotFilesAre404(path: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                let code = try object(response.body)["code"] as? Int
                #expect(code == 404)
                #expect(!String(buffer: response.body).contains("top secret"))
            }
        }
    }
}
