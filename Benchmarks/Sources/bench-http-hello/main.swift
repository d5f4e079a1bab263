import Foundation
import Hummingbird

// Bare Hummingbird answering GET /health with a fixed JSON body: the ceiling any
// Hummingbird-based service can reach on this machine.
// Usage: bench-http-hello PORT

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8081
let body = #"{"code":0,"data":{"status":"up"},"msg":"Success"}"#
let router = Router()
router.get("/health") { _, _ in
    Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: body)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
