import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostHTTP
import Testing

@Suite struct ResponseCompressionTests {
    private static let text = String(repeating: "Roost compresses large JSON responses. ", count: 400)

    private func app() -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: ResponseCompressionMiddleware(minimumBytes: 1024))
        let text = Self.text
        router.get("/big") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/small") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "tiny")))
        }
        router.get("/png") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/stream") { _, _ in
            let chunks = (0..<50).map { ByteBuffer(string: "chunk \($0) " + String(repeating: "z", count: 3000)) }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init { writer in
                for chunk in chunks { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
        return Application(router: router)
    }

    private func inflate(_ body: ByteBuffer, _ algorithm: ZlibAlgorithm) throws -> String {
        var compressed = body
        var output = ByteBufferAllocator().buffer(capacity: 1 << 20)
        let decompressor = try ZlibDecompressor(algorithm: algorithm)
        try decompressor.inflate(from: &compressed, to: &output)
        return String(buffer: output)
    }

    @Test(arguments: [
        ("gzip", "gzip"), ("gzip, deflate, br", "gzip"), ("deflate", "deflate"), ("deflate;q=1, gzip;q=0.5", "deflate"),
        ("*", "gzip"), ("gzip;q=0, *", "deflate"), ("x-gzip", "gzip"), ("GZIP", "gzip"),
    ])
    func compressesWhenAcceptedAndDecompressesToTheOriginal(accept: String, coding: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/big", method: .get, headers: [.acceptEncoding: accept]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == coding)
                #expect(response.headers[.vary] == "Accept-Encoding")
                #expect(response.body.readableBytes < Self.text.utf8.count / 10)
                let inflated = try inflate(response.body, coding == "gzip" ? .gzip : .zlib)
                #expect(inflated == Self.text)
                if coding == "gzip" { #expect(response.body.getBytes(at: 0, length: 2) == [0x1f, 0x8b]) }
            }
        }
    }

    @Test(arguments: [nil, "identity", "br", "gzip;q=0", "gzip;q=0, deflate;q=0", "gzip;q=garbage", ",,;;==", "*;q=0"])
    func sendsUncompressedWhenNotAccepted(accept: String?) async throws {
        try await app().test(.router) { client in
            var headers = HTTPFields()
            if let accept { headers[.acceptEncoding] = accept }
            try await client.execute(uri: "/big", method: .get, headers: headers) { response in
                #expect(response.headers[.contentEncoding] == nil)
                #expect(String(buffer: response.body) == Self.text)
            }
        }
    }

    @Test func leavesSmallAndAlreadyCompressedBodiesAlone() async throws {
        try await app().test(.router) { client in
            for path in ["/small", "/png"] {
                try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                    #expect(response.headers[.contentEncoding] == nil)
                    #expect(response.body.readableBytes == (path == "/small" ? 4 : Self.text.utf8.count))
                }
            }
        }
    }

    @Test func compressesStreamedBodiesChunkByChunk() async throws {
        try await app().test(.live) { client in
            try await client.execute(uri: "/stream", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                let text = try inflate(response.body, .gzip)
                #expect(text.hasPrefix("chunk 0 zzz"))
                #expect(text.utf8.count == (0..<50).map { "chunk \($0) ".utf8.count + 3000 }.reduce(0, +))
            }
        }
    }

    @Test func classifiesContentTypes() {
        for type in ["text/html; charset=utf-8", "application/json", "application/problem+json", "image/svg+xml"] {
            #expect(ResponseCompressionMiddleware<BasicRoostRequestContext>.isCompressible(type))
        }
        for type in ["image/png", "video/mp4", "application/zip", "application/gzip", "font/woff2", "application/octet-stream", ""] {
            #expect(!ResponseCompressionMiddleware<BasicRoostRequestContext>.isCompressible(type))
        }
    }
}
