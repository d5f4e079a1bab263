import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostHTTP
import Testing

private struct NewProduct: ValidatedBody {
    var name: String
    var price: Double
    var tags: [String]

    func validate(into errors: inout FieldErrors) {
        errors.check(!name.isEmpty, "name", "must not be empty")
        errors.check(price > 0, "price", "must be positive")
        errors.check(tags.count <= 3, "tags", "at most 3")
    }
}

@Suite struct RequestArgumentsTests {
    private func arguments(_ values: [String: [String]]) -> RequestArguments { RequestArguments(values: values) }

    @Test func readsTypedValuesWithDefaultsAndClamping() throws {
        var args = arguments(["page": ["5000"], "q": ["  swift  "], "debug": ["YES"], "ratio": ["0.5"]])
        #expect(args.int("page", default: 1, clampedTo: 1...100) == 100)
        #expect(args.int("size", default: 20, clampedTo: 1...100) == 20)
        #expect(args.string("q", maxLength: 3) == "swi")
        let debug = args.bool("debug", default: false)
        #expect(debug)
        #expect(args.double("ratio", default: 1, clampedTo: 0...1) == 0.5)
        #expect(args.value("limit", as: UInt8.self, default: 7) == 7)
        try args.validate()
    }

    @Test func listsAcceptRepeatedAndCommaSeparatedValues() throws {
        var args = arguments(["id": ["1,2", "3"]])
        #expect(args.list("id", as: Int.self) == [1, 2, 3])
        try args.validate()
    }

    @Test func reportsEveryProblemAtOnce() throws {
        var args = arguments(["page": ["two"], "debug": ["maybe"], "id": ["1,x"], "ratio": ["nan"]])
        _ = args.int("page", default: 1)
        _ = args.bool("debug", default: false)
        _ = args.list("id", as: Int.self)
        _ = args.double("ratio", default: 1)
        #expect(args.required("user", as: Int.self) == nil)
        let error = try #require(throws: InvalidArguments.self) { try args.validate() }
        #expect(error.fields == [
            "page": ["must be a valid Int"], "debug": ["must be true or false"],
            "id": ["\"x\" is not a valid Int"], "ratio": ["must be a finite number"], "user": ["is required"],
        ])
    }

    @Test func readsPathAndQueryFromARequest() async throws {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.get("/items/:id") { request, context -> String in
            var args = RequestArguments(request, context: context)
            let id = args.required("id", as: Int.self)
            let page = args.int("page", default: 1, clampedTo: 1...10)
            try args.validate()
            return "\(id!)-\(page)"
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/items/42?page=99&id=7", method: .get) { response in
                #expect(String(buffer: response.body) == "42-10")
            }
            try await client.execute(uri: "/items/x?page=2", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#""id":["must be a valid Int"]"#))
            }
        }
    }
}

@Suite struct ValidatedBodyTests {
    private func app() -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.post("/products") { request, context -> String in
            let product = try await request.decodeValidated(as: NewProduct.self, context: context)
            return product.name
        }
        return Application(router: router)
    }

    private func post(_ json: String, _ check: @escaping @Sendable (TestResponse) throws -> Void) async throws {
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/products", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json),
                testCallback: check)
        }
    }

    private static func fields(_ response: TestResponse) throws -> [String: [String]]? {
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (body?["extra"] as? [String: Any])?["fields"] as? [String: [String]]
    }

    @Test func acceptsAValidBody() async throws {
        try await post(#"{"name":"tea","price":2.5,"tags":[]}"#) { response in
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "tea")
        }
    }

    @Test func reportsEveryValidationProblem() async throws {
        try await post(#"{"name":"","price":-1,"tags":["a","b","c","d"]}"#) { response in
            #expect(response.status == .badRequest)
            let fields = try Self.fields(response)
            #expect(fields == ["name": ["must not be empty"], "price": ["must be positive"], "tags": ["at most 3"]])
        }
    }

    @Test(arguments: [
        (#"{"price":1,"tags":[]}"#, "name", "is required"),
        (#"{"name":"x","price":"cheap","tags":[]}"#, "price", "must be Double"),
        (#"{"name":"x","price":1,"tags":[1]}"#, "tags.0", "must be String"),
        (#"{"name":"x","#, "body", "is not valid JSON"),
    ])
    func namesTheFieldThatDidNotDecode(_ json: String, _ field: String, _ problem: String) async throws {
        try await post(json) { response in
            #expect(response.status == .badRequest)
            let fields = try Self.fields(response)
            #expect(fields == [field: [problem]])
        }
    }
}
