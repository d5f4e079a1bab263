import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostHTTP
import Testing

@Suite struct CORSPolicyTests {
    private func app(_ policy: CORSPolicy) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: CORSPolicyMiddleware(policy: policy))
        router.get("/data") { _, _ in "data" }
        return Application(router: router)
    }

    @Test func wildcardWithCredentialsIsRefused() {
        #expect(throws: InvalidCORSPolicy.self) { try CORSPolicy(origins: .any, allowCredentials: true) }
        #expect(throws: InvalidCORSPolicy.self) { try CORSPolicy(origins: .list(["shop.example"])) }
        #expect(throws: InvalidCORSPolicy.self) { try CORSPolicy(origins: .list(["https://shop.example/path"])) }
    }

    @Test func listedOriginsGetHeadersOthersDoNot() async throws {
        let policy = try CORSPolicy(origins: .list(["https://shop.example"]), allowCredentials: true)
        try await app(policy).test(.router) { client in
            try await client.execute(uri: "/data", method: .get, headers: [.origin: "https://shop.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(response.headers[.accessControlAllowCredentials] == "true")
                #expect(response.headers[.accessControlExposeHeaders] == "x-request-id, x-timestamp")
                #expect(response.headers[.vary] == "Origin")
            }
            try await client.execute(uri: "/data", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
            try await client.execute(uri: "/data", method: .get) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func preflightIsAnsweredOnlyForAllowedOrigins() async throws {
        let policy = try CORSPolicy(origins: .list(["https://shop.example"]))
        try await app(policy).test(.router) { client in
            let allowed: HTTPFields = [.origin: "https://shop.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/data", method: .options, headers: allowed) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(response.headers[.accessControlAllowMethods] == "GET, POST, PUT, PATCH, DELETE")
                #expect(response.headers[.accessControlMaxAge] == "600")
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
            let denied: HTTPFields = [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/data", method: .options, headers: denied) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func anyOriginWithoutCredentialsUsesTheWildcard() async throws {
        try await app(try CORSPolicy(origins: .any)).test(.router) { client in
            try await client.execute(uri: "/data", method: .get, headers: [.origin: "https://anyone.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
        }
    }

    @Test func nothingIsAllowedByDefault() async throws {
        try await app(try CORSPolicy()).test(.router) { client in
            try await client.execute(uri: "/data", method: .get, headers: [.origin: "https://shop.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
