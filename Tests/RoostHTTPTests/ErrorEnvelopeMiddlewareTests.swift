import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostCore
import RoostHTTP
import Testing

private struct Secret: Error, CustomStringConvertible {
    var description: String { "password=hunter2 at db.internal:3306" }
}

private struct Order: Decodable {
    var sku: String
    var quantity: Int
}

@Suite struct ErrorEnvelopeMiddlewareTests {
    private func app(debug: Bool = false) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware(debug: debug))
        router.get("/app") { _, _ -> String in
            throw AppError(code: 1001, status: .conflict, message: "Out of stock", extra: ["sku": "A-1"])
        }
        router.get("/fields") { _, _ -> String in
            throw InvalidArguments(fields: ["email": ["must contain @"]])
        }
        router.get("/secret") { _, _ -> String in throw Secret() }
        router.get("/teapot") { _, _ -> String in
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: "3"], message: "slow down")
        }
        router.post("/orders") { request, context -> String in
            let order = try await request.decode(as: Order.self, context: context)
            return order.sku
        }
        return Application(router: router)
    }

    private func body(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func appErrorKeepsCodeStatusAndExtra() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/app", method: .get) { response in
                #expect(response.status == .conflict)
                let body = try body(response)
                #expect(body["code"] as? Int == 1001)
                #expect(body["msg"] as? String == "Out of stock")
                #expect((body["extra"] as? [String: String]) == ["sku": "A-1"])
                #expect(body["request_id"] as? String == response.headers[RequestIDMiddleware<BasicRoostRequestContext>.headerName])
            }
        }
    }

    @Test func invalidArgumentsListsFields() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/fields", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try body(response)
                #expect(body["msg"] as? String == "Invalid Arguments")
                let fields = (body["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                #expect(fields == ["email": ["must contain @"]])
            }
        }
    }

    @Test func unknownRouteIs404InTheEnvelope() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try body(response)
                #expect(body["code"] as? Int == 404)
                #expect(body["msg"] as? String == "Not Found")
                #expect((body["request_id"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func httpErrorKeepsItsHeadersAndMessage() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/teapot", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "3")
                let body = try body(response)
                #expect(body["msg"] as? String == "slow down")
            }
        }
    }

    @Test func unknownErrorsRevealNothing() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/secret", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("hunter2"))
                let body = try body(response)
                #expect(body["msg"] as? String == "Internal Server Error")
                #expect(body["extra"] == nil)
            }
        }
    }

    @Test func debugModeShowsDetails() async throws {
        try await app(debug: true).test(.router) { client in
            try await client.execute(uri: "/secret", method: .get) { response in
                let extra = try body(response)["extra"] as? [String: String]
                #expect(extra?["debug"]?.contains("hunter2") == true)
            }
        }
    }

    @Test func decodingErrorsThrownByHandlersAre400() async throws {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.get("/manual") { _, _ -> String in
            _ = try JSONDecoder().decode(Order.self, from: Data(#"{"sku":"x"}"#.utf8))
            return "unreachable"
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/manual", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try body(response)
                #expect((body["extra"] as? [String: String])?["body"] == "quantity is required")
            }
        }
    }

    @Test(arguments: [
        (#"{"sku": "A-1"#, "JSON"),
        (#"{"sku": "A-1"}"#, "quantity"),
        (#"{"sku": "A-1", "quantity": "two"}"#, "quantity"),
        (#"{"sku": null, "quantity": 2}"#, "sku"),
    ])
    func badBodiesAre400(_ json: String, _ problem: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/orders", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: json)
            ) { response in
                #expect(response.status == .badRequest)
                let body = try body(response)
                #expect(body["msg"] as? String == "Invalid Arguments")
                #expect((body["extra"] as? [String: String])?["body"]?.contains(problem) == true)
            }
        }
    }
}

@Suite struct MethodNotAllowedTests {
    @Test func wrongMethodsGet405WithAllowInTheEnvelope() async throws {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.get("/orders") { _, _ in "list" }
        router.post("/orders") { _, _ in "created" }
        router.delete("/orders/:id") { _, context in context.parameters.get("id") ?? "" }
        router.addMethodNotAllowedResponses()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/orders", method: .get) { response in
                #expect(String(buffer: response.body) == "list")
            }
            try await client.execute(uri: "/orders/7", method: .delete) { response in
                #expect(String(buffer: response.body) == "7")
            }
            try await client.execute(uri: "/orders", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
                let body = String(buffer: response.body)
                #expect(body.contains(#""code":405"#))
                #expect(body.contains("PUT is not allowed here; use GET, POST"))
            }
            try await client.execute(uri: "/orders/7", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE")
            }
            try await client.execute(uri: "/elsewhere", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
