import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostCore
import RoostCrypto
import RoostHTTP
import Testing

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

private func reason(_ buffer: ByteBuffer) throws -> String? {
    let body = try object(buffer)
    return (body["extra"] as? [String: Any])?["reason"] as? String
}

private func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }

@Suite struct BasicAuthTests {
    private typealias Context = AuthenticatedRoostRequestContext<String>

    private func app() -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: BasicAuthMiddleware(realm: "ops \"zone\"", users: ["ops": "s3cret:with:colons"]))
        router.get("/me") { _, context in Envelope.success(context.identity ?? "-", context: context) }
        return Application(router: router)
    }

    @Test func validCredentialsReachTheRouteWithTheIdentity() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/me", method: .get, headers: [.authorization: basic("ops:s3cret:with:colons")]) {
                let body = try object($0.body)
                #expect($0.status == .ok)
                #expect(body["data"] as? String == "ops")
            }
        }
    }

    @Test(arguments: [
        (nil, "missing_credentials"),
        ("Bearer abc", "missing_credentials"),
        ("Basic", "missing_credentials"),
        ("Basic !!!not-base64!!!", "malformed_credentials"),
        (basic("no-colon"), "malformed_credentials"),
        (basic("ops:line\nbreak"), "malformed_credentials"),
        ("Basic " + Data([0x6f, 0x3a, 0xff, 0xfe]).base64EncodedString(), "malformed_credentials"),
        (basic("ops:wrong"), "invalid_credentials"),
        (basic("OPS:s3cret:with:colons"), "invalid_credentials"),
        (basic(":"), "invalid_credentials"),
    ] as [(String?, String)])
    func refusalsAre401EnvelopesWithAChallenge(header: String?, expected: String) async throws {
        try await app().test(.router) { client in
            var headers = HTTPFields()
            if let header { headers[.authorization] = header }
            try await client.execute(uri: "/me", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Basic realm="ops zone", charset="UTF-8""#)
                let body = try object(response.body)
                let found = try reason(response.body)
                #expect(body["code"] as? Int == 401)
                #expect(found == expected)
            }
        }
    }

    @Test func matchingComparesBothFields() {
        let presented = BasicCredentials(username: "a", password: "b")
        #expect(presented.matches(username: "a", password: "b"))
        #expect(!presented.matches(username: "a", password: "bb"))
        #expect(!presented.matches(username: "x", password: "b"))
    }
}

private struct Session: Codable, Sendable, Equatable { var role: String }

@Suite struct JWTAuthTests {
    private typealias Context = AuthenticatedRoostRequestContext<TokenClaims<Session>>
    private static let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func tokens(issuer: String? = "roost") async throws -> JSONWebTokens {
        await JSONWebTokens(key: try .hs256(secret: Self.secret), issuer: issuer)
    }

    private func app() async throws -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: JWTAuthMiddleware<Context, Session>(tokens: try await tokens(), now: { Self.now }))
        router.get("/me") { _, context in
            Envelope.success([context.identity?.subject ?? "-", context.identity?.custom.role ?? "-"], context: context)
        }
        return Application(router: router)
    }

    private func sign(
        _ tokens: JSONWebTokens, issuer: String = "roost", expires: TimeInterval = 60, notBefore: TimeInterval? = nil
    ) async throws -> String {
        try await tokens.sign(TokenClaims(
            issuer: issuer, subject: "user-42", expiresAt: Self.now + expires,
            notBefore: notBefore.map { Self.now + $0 }, custom: Session(role: "admin")))
    }

    @Test func aValidTokenPutsItsClaimsInTheContext() async throws {
        let token = try await sign(try await tokens())
        try await app().test(.router) { client in
            try await client.execute(uri: "/me", method: .get, headers: [.authorization: "bearer \(token)"]) {
                let body = try object($0.body)
                #expect($0.status == .ok)
                #expect(body["data"] as? [String] == ["user-42", "admin"])
            }
        }
    }

    private func expectRefusal(_ header: String?, _ expected: String, invalidToken: Bool = true) async throws {
        try await app().test(.router) { client in
            var headers = HTTPFields()
            if let header { headers[.authorization] = header }
            try await client.execute(uri: "/me", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
                let body = try object(response.body)
                let found = try reason(response.body)
                #expect(body["code"] as? Int == 401)
                #expect(found == expected)
                let challenge = try #require(response.headers[.wwwAuthenticate])
                #expect(challenge.hasPrefix(#"Bearer realm="api""#))
                #expect(challenge.contains("invalid_token") == invalidToken)
            }
        }
    }

    @Test func missingOrOtherSchemesAreMissingCredentials() async throws {
        try await expectRefusal(nil, "missing_credentials", invalidToken: false)
        try await expectRefusal(basic("a:b"), "missing_credentials", invalidToken: false)
        try await expectRefusal("Bearer    ", "missing_credentials", invalidToken: false)
    }

    @Test(arguments: ["garbage", "a.b.c", "....", String(repeating: "x", count: 20_000)])
    func malformedTokens(token: String) async throws {
        try await expectRefusal("Bearer \(token)", "malformed_token")
    }

    @Test func expiredTokens() async throws {
        try await expectRefusal("Bearer \(try await sign(try await tokens(), expires: -1))", "token_expired")
    }

    @Test func tokensNotYetValid() async throws {
        try await expectRefusal("Bearer \(try await sign(try await tokens(), notBefore: 300))", "token_not_yet_valid")
    }

    @Test func otherIssuers() async throws {
        let token = try await sign(try await tokens(issuer: nil), issuer: "someone-else")
        try await expectRefusal("Bearer \(token)", "wrong_issuer_or_audience")
    }

    @Test func tamperedSignatures() async throws {
        let token = try await sign(try await tokens())
        let other = await JSONWebTokens(key: try .hs256(secret: Array(repeating: 7, count: 32)))
        let forged = try await sign(other)
        let parts = token.split(separator: ".")
        try await expectRefusal("Bearer \(parts[0]).\(parts[1]).\(forged.split(separator: ".")[2])", "bad_signature")
    }

    @Test func otherAlgorithmsAreRefusedIncludingNone() async throws {
        let hs384 = await JSONWebTokens(key: try .hs384(secret: Array(repeating: 1, count: 48)))
        try await expectRefusal("Bearer \(try await sign(hs384))", "wrong_algorithm")
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let claims = Base64URL.encode(Array(#"{"iss":"roost","sub":"x","role":"admin","exp":1900000000}"#.utf8))
        try await expectRefusal("Bearer \(header).\(claims).", "wrong_algorithm")
    }
}
