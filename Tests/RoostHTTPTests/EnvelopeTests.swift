import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostCore
import RoostHTTP
import Testing

private struct Product: Codable, Sendable, Equatable {
    var id: Int
    var name: String
}

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

@Suite struct EnvelopeTests {
    private func app(_ configure: (Router<BasicRoostRequestContext>) -> Void) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        configure(router)
        return Application(router: router)
    }

    @Test func successCarriesDataAndRequestID() async throws {
        let app = app { $0.get("/p") { _, context in Envelope.success(Product(id: 1, name: "☕️"), context: context) } }
        try await app.test(.router) { client in
            try await client.execute(uri: "/p", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try object(response.body)
                #expect(body["code"] as? Int == 0)
                #expect(body["msg"] as? String == "Success")
                #expect((body["data"] as? [String: Any])?["name"] as? String == "☕️")
                #expect(body["request_id"] as? String == response.headers[RequestIDMiddleware<BasicRoostRequestContext>.headerName])
                #expect(body["extra"] == nil)
            }
        }
    }

    @Test func errorEnvelopeHasStatusExtraAndNullData() async throws {
        let app = app {
            $0.get("/e") { _, context in
                EmptyEnvelope(
                    code: 400, data: nil, msg: "Invalid Arguments", requestID: context.requestID,
                    extra: ["fields": ["name": ["must not be empty"]]], status: .badRequest)
            }
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/e", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try object(response.body)
                #expect(body["code"] as? Int == 400)
                #expect(body["data"] is NSNull)
                let fields = (body["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                #expect(fields == ["name": ["must not be empty"]])
            }
        }
    }
}

extension EnvelopeTests {
    private func body(of envelope: Envelope<Product>) async throws -> ByteBuffer {
        let app = app { $0.get("/w") { _, _ in envelope } }
        return try await app.test(.router) { client in
            try await client.execute(uri: "/w", method: .get) { response in
                #expect(response.status == envelope.status)
                #expect(response.headers[.contentLength] == String(response.body.readableBytes))
                return response.body
            }
        }
    }

    private func encoded(_ envelope: Envelope<Product>) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(envelope)
    }

    @Test func writtenEnvelopeIsWhatTheEncoderWrites() async throws {
        let envelope = Envelope(
            code: 0, data: Product(id: 7, name: "☕️ a/b"), msg: "Success", requestID: "019a-7b",
            extra: ["page": 2, "tags": ["x"]])
        #expect(try await Data(buffer: body(of: envelope)) == encoded(envelope))
        let empty = Envelope<Product>(code: 404, data: nil, msg: "Not Found", requestID: "r", status: .notFound)
        #expect(try await Data(buffer: body(of: empty)) == encoded(empty))
    }

    @Test func writtenStringsAreEscaped() async throws {
        let message = "quote \" backslash \\ newline \n tab \t bell \u{7} unit \u{1F} é 😀"
        let envelope = Envelope<Product>(code: 1, data: nil, msg: message, requestID: "id\"\\")
        let written = try await body(of: envelope)
        let parsed = try object(written)
        #expect(parsed["msg"] as? String == message)
        #expect(parsed["request_id"] as? String == "id\"\\")
        #expect(parsed["data"] is NSNull)
        let reference = try #require(try JSONSerialization.jsonObject(with: encoded(envelope)) as? NSDictionary)
        #expect(NSDictionary(dictionary: parsed) == reference)
    }
}

@Suite struct RequestIDMiddlewareTests {
    private let header = RequestIDMiddleware<BasicRoostRequestContext>.headerName

    private func app() -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.get("/id") { _, context in context.requestID }
        return Application(router: router)
    }

    @Test func generatesAUUIDv7WhenAbsent() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/id", method: .get) { response in
                let id = try #require(response.headers[header])
                #expect(String(buffer: response.body) == id)
                let uuid = try #require(UUID(uuidString: id))
                #expect(UUIDv7Generator.date(of: uuid) != nil)
            }
        }
    }

    @Test func reusesAWellFormedIncomingID() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/id", method: .get, headers: [header: "req-42.a:b_c"]) { response in
                #expect(response.headers[header] == "req-42.a:b_c")
                #expect(String(buffer: response.body) == "req-42.a:b_c")
            }
        }
    }

    @Test(arguments: ["", "has space", "new\nline", String(repeating: "x", count: 129), "<script>"])
    func replacesAMalformedIncomingID(_ bad: String) async throws {
        try await app().test(.router) { client in
            var headers = HTTPFields()
            if let field = HTTPField(name: header, value: bad) as HTTPField? { headers.append(field) }
            try await client.execute(uri: "/id", method: .get, headers: headers) { response in
                let id = try #require(response.headers[header])
                #expect(id != bad)
                #expect(UUID(uuidString: id) != nil)
            }
        }
    }
}

@Suite struct HealthRouteTests {
    private func app(_ checks: [any HealthCheck]) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.addHealthRoute(service: "svc", version: "9.9", checks: checks)
        return Application(router: router)
    }

    @Test func upAnswers200() async throws {
        try await app([ClosureHealthCheck("db") {}]).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["status"] as? String == "up")
                #expect(data["service"] as? String == "svc")
                #expect((data["checks"] as? [[String: Any]])?.first?["name"] as? String == "db")
            }
        }
    }

    @Test func downAnswers503WithReason() async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        try await app([ClosureHealthCheck("db") { throw Refused() }]).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try object(response.body)
                #expect(body["code"] as? Int == 503)
                let checks = (body["data"] as? [String: Any])?["checks"] as? [[String: Any]]
                #expect(checks?.first?["reason"] as? String == "refused")
            }
        }
    }
}

@Suite struct JSONValueTests {
    @Test func roundTripsEveryKind() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true, nil], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}
