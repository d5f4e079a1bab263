import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RoostConfig
import RoostSQL
import Testing

@testable import roost_demo

@Suite struct CatalogTests {
    @Test func healthAnswersTheEnvelopeOverRealHTTP() async throws {
        try await withDemo { app, _ in
            try await app.test(.live) { client in
                try await client.execute(uri: "/health", method: .get) { response throws in
                    #expect(response.status == .ok)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 0)
                    #expect(body["msg"] as? String == "Success")
                    #expect((body["request_id"] as? String)?.isEmpty == false)
                    let data = try #require(body["data"] as? [String: Any])
                    #expect(data["status"] as? String == "up")
                    #expect((data["checks"] as? [[String: Any]])?.isEmpty == true)
                }
                try await client.execute(uri: "/ready", method: .get) { response throws in
                    #expect(response.status == .ok)
                    let data = try #require(try json(response)["data"] as? [String: Any])
                    #expect((data["checks"] as? [[String: Any]])?.first?["name"] as? String == "database")
                }
            }
        }
    }

    @Test func productsAreCreatedListedAndFound() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let new = ByteBuffer(string: #"{"name":"Green tea ☕️","price_cents":450,"stock":12}"#)
                try await client.execute(
                    uri: "/products", method: .post, headers: [.contentType: "application/json"], body: new
                ) { response throws in
                    #expect(response.status == .created)
                    let product = try #require(try json(response)["data"] as? [String: Any])
                    #expect(product["id"] as? Int == 1)
                }
                try await client.execute(uri: "/products/1", method: .get) { response throws in
                    let product = try #require(try json(response)["data"] as? [String: Any])
                    #expect(product["name"] as? String == "Green tea ☕️")
                    #expect(product["price_cents"] as? Int == 450)
                }
                try await client.execute(uri: "/products?page=1&size=500", method: .get) { response throws in
                    let body = try json(response)
                    #expect((body["data"] as? [[String: Any]])?.count == 1)
                }
            }
        }
    }

    @Test func badInputAnswersEnvelopes() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let bad = ByteBuffer(string: #"{"name":"","price_cents":-1,"stock":1}"#)
                try await client.execute(
                    uri: "/products", method: .post, headers: [.contentType: "application/json"], body: bad
                ) { response throws in
                    #expect(response.status == .badRequest)
                    let fields = (try json(response)["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                    #expect(fields == ["name": ["must not be empty"], "price_cents": ["must not be negative"]])
                }
                try await client.execute(uri: "/products/99", method: .get) { response throws in
                    #expect(response.status == .notFound)
                    let body = try json(response)
                    #expect(body["msg"] as? String == "No product has id 99")
                }
                try await client.execute(uri: "/products/abc", method: .get) { response throws in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/products", method: .delete) { response throws in
                    #expect(response.status == .methodNotAllowed)
                }
                try await client.execute(uri: "/missing", method: .get) { response throws in
                    #expect(response.status == .notFound)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 404)
                }
            }
        }
    }
}
