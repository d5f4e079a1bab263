import Crypto
import Foundation
import RoostCore
@testable import RoostCrypto
import Testing

@Suite struct JSONWebTokensTests {
    typealias Vectors = PythonCryptoVectors

    struct Session: Codable, Sendable, Equatable {
        var role: String
        var scopes: [String]
    }

    struct RootFlag: Codable, Sendable {
        var isRoot: Bool
        enum CodingKeys: String, CodingKey { case isRoot = "http://example.com/is_root" }
    }

    static let secret = Array("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".utf8)
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    // RFC 7515 appendix A.1 (the RFC 7519 §3.1 example token).
    @Test func rfc7515HS256Example() async throws {
        let token =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let key = try Base64URL.decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
        let tokens = await JSONWebTokens(key: try .hs256(secret: key), issuer: "joe")
        let claims = try await tokens.verify(token, as: RootFlag.self, now: Date(timeIntervalSince1970: 1_300_800_000))
        #expect(claims.issuer == "joe")
        #expect(claims.custom.isRoot)
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 1_300_819_380))
        await #expect(throws: TokenError(.expired(Date(timeIntervalSince1970: 1_300_819_380)))) {
            try await tokens.verify(token, as: RootFlag.self, now: Date(timeIntervalSince1970: 1_300_819_380))
        }
    }

    @Test func pyJWTTokensVerify() async throws {
        let keys: [JSONWebTokenKey] = [
            try .hs256(secret: Array(Vectors.hmacSecret.utf8)),
            try .rs256(publicKey: RSAPublicKey(pemOrBase64: Vectors.rsaPublicKeySPKIPEM)),
            try .es256(publicKeyPEM: Vectors.ecPublicKeyPEM),
        ]
        for (key, token) in zip(keys, [Vectors.hs256Token, Vectors.rs256Token, Vectors.es256Token]) {
            let tokens = await JSONWebTokens(key: key, issuer: "roost", audience: "api")
            let claims = try await tokens.verify(token, as: Session.self, now: Self.t0)
            #expect(claims.subject == "user-42")
            #expect(claims.audience == ["api"])
            #expect(claims.issuedAt == Date(timeIntervalSince1970: 1_700_000_000))
            #expect(claims.notBefore == Date(timeIntervalSince1970: 1_700_000_000))
            #expect(claims.expiresAt == Date(timeIntervalSince1970: 4_102_444_800))
            #expect(claims.custom == Session(role: "admin", scopes: ["read", "write"]))
        }
    }

    @Test func swiftRS256TokensVerifyWithPythonKeyAndBack() async throws {
        let privateKey = try RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS8PEM)
        let signer = await JSONWebTokens(key: try .rs256(privateKey: privateKey))
        let token = try await signer.sign(
            TokenClaims(subject: "user-42", audience: ["api", "web"], custom: Session(role: "ops", scopes: [])))
        let verifier = await JSONWebTokens(key: try .rs256(publicKey: RSAPublicKey(pemOrBase64: Vectors.rsaPublicKeyPKCS1Base64)), audience: "web")
        let claims = try await verifier.verify(token, as: Session.self)
        #expect(claims.custom.role == "ops")
        #expect(claims.audience == ["api", "web"])
        #expect(try JSONWebTokens.headerAlgorithm(of: token) == "RS256")
    }

    @Test(arguments: JSONWebTokenKey.Algorithm.allCases)
    func signAndVerifyRoundTrip(algorithm: JSONWebTokenKey.Algorithm) async throws {
        let key: JSONWebTokenKey =
            switch algorithm {
            case .hs256: try .hs256(secret: Self.secret.prefix(32))
            case .hs384: try .hs384(secret: Self.secret.prefix(48))
            case .hs512: try .hs512(secret: Self.secret)
            case .rs256: try .rs256(privateKey: RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS8PEM))
            case .es256: try .es256(privateKey: P256.Signing.PrivateKey())
            }
        let tokens = await JSONWebTokens(key: key, issuer: "roost")
        let claims = TokenClaims(
            issuer: "roost", subject: "s", expiresAt: Self.t0 + 60, issuedAt: Self.t0, id: "j1",
            custom: Session(role: "r", scopes: ["a"]))
        let token = try await tokens.sign(claims)
        #expect(try JSONWebTokens.headerAlgorithm(of: token) == algorithm.rawValue)
        let back = try await tokens.verify(token, as: Session.self, now: Self.t0)
        #expect(back.id == "j1")
        #expect(back.expiresAt == Self.t0 + 60)
        #expect(back.custom == claims.custom)
    }

    @Test func wrongAlgorithmIsRefusedBeforeTheSignature() async throws {
        let hmac = await JSONWebTokens(key: try .hs256(secret: Array(Vectors.hmacSecret.utf8)))
        let rsa = await JSONWebTokens(key: try .rs256(publicKey: RSAPublicKey(pemOrBase64: Vectors.rsaPublicKeySPKIPEM)))
        await #expect(throws: TokenError(.wrongAlgorithm(expected: "RS256", found: "HS256"))) {
            try await rsa.verify(Vectors.hs256Token, as: Session.self, now: Self.t0)
        }
        await #expect(throws: TokenError(.wrongAlgorithm(expected: "HS256", found: "RS256"))) {
            try await hmac.verify(Vectors.rs256Token, as: Session.self, now: Self.t0)
        }
        let unsigned = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array("{}".utf8)) + "."
        await #expect(throws: TokenError(.wrongAlgorithm(expected: "HS256", found: "none"))) {
            try await hmac.verify(unsigned, as: NoCustomClaims.self)
        }
    }

    @Test func alteredTokensFailTheSignature() async throws {
        let tokens = await JSONWebTokens(key: try .hs256(secret: Array(Vectors.hmacSecret.utf8)))
        let parts = Vectors.hs256Token.split(separator: ".").map(String.init)
        let forgedPayload = Base64URL.encode(Array(#"{"sub":"admin","role":"admin","scopes":[]}"#.utf8))
        await #expect(throws: TokenError(.badSignature)) {
            try await tokens.verify([parts[0], forgedPayload, parts[2]].joined(separator: "."), as: Session.self, now: Self.t0)
        }
        let other = await JSONWebTokens(key: try .hs256(secret: Self.secret))
        await #expect(throws: TokenError(.badSignature)) {
            try await other.verify(Vectors.hs256Token, as: Session.self, now: Self.t0)
        }
        let es = await JSONWebTokens(key: try .es256(privateKey: P256.Signing.PrivateKey()))
        await #expect(throws: TokenError(.badSignature)) {
            try await es.verify(Vectors.es256Token, as: Session.self, now: Self.t0)
        }
    }

    @Test(arguments: ["", "abc", "a.b", "a.b.c.d", "!!!.e30.sig", "bm90IGpzb24.e30.sig", "e30.e30.sig"])
    func malformedTokens(token: String) async throws {
        let tokens = await JSONWebTokens(key: try .hs256(secret: Self.secret))
        await #expect(throws: TokenError(.malformed)) { try await tokens.verify(token, as: NoCustomClaims.self) }
    }

    @Test func claimsThatDoNotDecodeAreMalformed() async throws {
        let tokens = await JSONWebTokens(key: try .hs256(secret: Array(Vectors.hmacSecret.utf8)))
        struct Needs: Codable, Sendable { var tenant: String }
        await #expect(throws: TokenError(.malformed)) {
            try await tokens.verify(Vectors.hs256Token, as: Needs.self, now: Self.t0)
        }
    }

    @Test func timeIssuerAndAudienceChecks() async throws {
        let key = try JSONWebTokenKey.hs256(secret: Self.secret)
        let signer = await JSONWebTokens(key: key)
        let token = try await signer.sign(
            TokenClaims(issuer: "roost", audience: ["api"], expiresAt: Self.t0 + 100, notBefore: Self.t0))
        await #expect(throws: TokenError(.notYetValid(Self.t0))) { try await signer.verify(token, as: NoCustomClaims.self, now: Self.t0 - 1) }
        await #expect(throws: TokenError(.expired(Self.t0 + 100))) { try await signer.verify(token, as: NoCustomClaims.self, now: Self.t0 + 100) }
        _ = try await signer.verify(token, as: NoCustomClaims.self, now: Self.t0 + 99)
        let lenient = await JSONWebTokens(key: key, leeway: .seconds(5))
        _ = try await lenient.verify(token, as: NoCustomClaims.self, now: Self.t0 + 104)
        _ = try await lenient.verify(token, as: NoCustomClaims.self, now: Self.t0 - 5)
        await #expect(throws: TokenError(.expired(Self.t0 + 100))) { try await lenient.verify(token, as: NoCustomClaims.self, now: Self.t0 + 105) }
        let otherIssuer = await JSONWebTokens(key: key, issuer: "someone")
        await #expect(throws: TokenError(.wrongIssuer("roost"))) { try await otherIssuer.verify(token, as: NoCustomClaims.self, now: Self.t0) }
        let otherAudience = await JSONWebTokens(key: key, audience: "billing")
        await #expect(throws: TokenError(.wrongAudience(["api"]))) { try await otherAudience.verify(token, as: NoCustomClaims.self, now: Self.t0) }
    }

    @Test func unusableKeys() async throws {
        #expect(throws: TokenError(.invalidKey("HS256 needs a secret of at least 32 bytes, got 8"))) {
            try JSONWebTokenKey.hs256(secret: Array("short!!!".utf8))
        }
        #expect(throws: TokenError.self) { try JSONWebTokenKey.hs512(secret: Self.secret.prefix(63)) }
        #expect(throws: TokenError.self) { try JSONWebTokenKey.es256(publicKeyPEM: Vectors.rsaPublicKeySPKIPEM) }
        #expect(throws: TokenError.self) { try JSONWebTokenKey.es256(privateKeyPEM: "nope") }
        let verifyOnly = await JSONWebTokens(key: try .es256(publicKeyPEM: Vectors.ecPublicKeyPEM))
        await #expect(throws: TokenError(.signingFailed)) { try await verifyOnly.sign(TokenClaims()) }
        #expect(TokenError(.badSignature).code == "crypto.jwt.bad_signature")
        #expect(TokenError(.expired(Self.t0)).message.contains("expired"))
    }
}
