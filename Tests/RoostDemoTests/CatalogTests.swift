import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RoostConfig
import RoostSQL
import Testing

@testable import roost_demo

/// The demo on a fresh SQLite file in a temporary directory.
private func withDemo(_ body: (any ApplicationProtocol) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-demo-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    let settings = DatabaseSettings(url: "sqlite://\(directory.path)/demo.db")
    let database = try await DemoApplication.openDatabase(settings, logger: Logger(label: "test"))
    let app = try DemoApplication.build(
        http: HTTPSettings(host: "127.0.0.1", port: 0), database: database, logger: Logger(label: "test"))
    do {
        try await body(app)
    } catch {
        try? await database.close()
        throw error
    }
    try await database.close()
}

private func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

@Suite struct DemoTests {
    @Test func healthAnswersTheEnvelopeOverRealHTTP() async throws {
        try await withDemo { app in
            try await app.test(.live) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 0)
                    #expect(body["msg"] as? String == "Success")
                    #expect((body["request_id"] as? String)?.isEmpty == false)
                    let data = try #require(body["data"] as? [String: Any])
                    #expect(data["status"] as? String == "up")
                    #expect((data["checks"] as? [[String: Any]])?.isEmpty == true)
                }
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .ok)
                    let data = try #require(try json(response)["data"] as? [String: Any])
                    #expect((data["checks"] as? [[String: Any]])?.first?["name"] as? String == "database")
                }
            }
        }
    }

    @Test func productsAreCreatedListedAndFound() async throws {
        try await withDemo { app in
            try await app.test(.router) { client in
                let new = ByteBuffer(string: #"{"name":"Green tea ☕️","price_cents":450,"stock":12}"#)
                try await client.execute(
                    uri: "/products", method: .post, headers: [.contentType: "application/json"], body: new
                ) { response in
                    #expect(response.status == .created)
                    let product = try #require(try json(response)["data"] as? [String: Any])
                    #expect(product["id"] as? Int == 1)
                }
                try await client.execute(uri: "/products/1", method: .get) { response in
                    let product = try #require(try json(response)["data"] as? [String: Any])
                    #expect(product["name"] as? String == "Green tea ☕️")
                    #expect(product["price_cents"] as? Int == 450)
                }
                try await client.execute(uri: "/products?page=1&size=500", method: .get) { response in
                    let body = try json(response)
                    #expect((body["data"] as? [[String: Any]])?.count == 1)
                }
            }
        }
    }

    @Test func badInputAnswersEnvelopes() async throws {
        try await withDemo { app in
            try await app.test(.router) { client in
                let bad = ByteBuffer(string: #"{"name":"","price_cents":-1,"stock":1}"#)
                try await client.execute(
                    uri: "/products", method: .post, headers: [.contentType: "application/json"], body: bad
                ) { response in
                    #expect(response.status == .badRequest)
                    let fields = (try json(response)["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                    #expect(fields == ["name": ["must not be empty"], "price_cents": ["must not be negative"]])
                }
                try await client.execute(uri: "/products/99", method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try json(response)
                    #expect(body["msg"] as? String == "No product has id 99")
                }
                try await client.execute(uri: "/products/abc", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/products", method: .delete) { response in
                    #expect(response.status == .methodNotAllowed)
                }
                try await client.execute(uri: "/missing", method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 404)
                }
            }
        }
    }
}
