import Foundation
import Hummingbird
import RoostHTTP

// GET /health answering the standard envelope, two ways:
//   bench-http roost PORT  — Roost's default middleware stack (`addRoostMiddleware`, access
//                            log off) and `addHealthRoute`;
//   bench-http bare PORT   — bare Hummingbird encoding the same envelope with the same
//                            request-id handling, and no middleware.
// The difference between the two is what Roost's stack costs per request.

let mode = CommandLine.arguments.dropFirst().first ?? "roost"
let port = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 8081
let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: port))
let requestIDHeader = RequestIDMiddleware<BasicRoostRequestContext>.headerName

struct BareHealth: Encodable {
    var status = "up"
    var service = "bench"
    var version = "0"
    var checks: [String] = []
    var uptime_s: Double
}

struct BareEnvelope: ResponseEncodable {
    var code = 0
    var data: BareHealth
    var msg = "Success"
    var request_id: String
}

switch mode {
case "bare":
    let started = ContinuousClock.now
    let router = Router()
    router.get("/health") { request, context -> Response in
        let id = request.headers[requestIDHeader] ?? UUID().uuidString.lowercased()
        let uptime = started.duration(to: .now)
        let envelope = BareEnvelope(
            data: BareHealth(uptime_s: Double(uptime.components.seconds)), request_id: id)
        var response = try context.responseEncoder.encode(envelope, from: request, context: context)
        response.headers[requestIDHeader] = id
        return response
    }
    try await Application(router: router, configuration: configuration).runService()
default:
    let router = Router(context: BasicRoostRequestContext.self)
    router.addRoostMiddleware(.init(accessLog: false))
    router.addHealthRoute(service: "bench", version: "0")
    try await Application(router: router, configuration: configuration).runService()
}
