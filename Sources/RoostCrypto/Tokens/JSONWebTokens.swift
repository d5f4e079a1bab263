import Foundation
import JWTKit

/// Signs and verifies JSON Web Tokens (RFC 7519) with one key and one algorithm.
///
/// Verification checks, in order: the token's shape, that its header names this key's
/// algorithm, the signature, then `exp`, `nbf`, and — when configured — `iss` and `aud`.
/// Each failure is a ``TokenError`` with its own code.
///
/// ```swift
/// struct Session: Codable, Sendable { var role: String }
///
/// let tokens = try await JSONWebTokens(key: .hs256(secret: secret), issuer: "roost")
/// let token = try await tokens.sign(TokenClaims(
///     issuer: "roost", subject: "user-42", expiresAt: .now + 3600, custom: Session(role: "admin")))
/// let claims = try await tokens.verify(token, as: Session.self)
/// claims.custom.role   // "admin"
/// ```
public struct JSONWebTokens: Sendable {
    /// The key and its algorithm.
    public let key: JSONWebTokenKey
    /// When set, `iss` must equal this value.
    public let issuer: String?
    /// When set, `aud` must contain this value.
    public let audience: String?
    /// How much clock difference to tolerate for `exp` and `nbf`.
    public let leeway: Duration
    private let keys: JWTKeyCollection

    /// Creates a signer and verifier.
    ///
    /// - Parameters:
    ///   - key: The key, which fixes the algorithm.
    ///   - issuer: The issuer tokens must name, if any.
    ///   - audience: The audience tokens must include, if any.
    ///   - leeway: Clock difference tolerated for `exp` and `nbf` (default none).
    public init(key: JSONWebTokenKey, issuer: String? = nil, audience: String? = nil, leeway: Duration = .zero) async {
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.keys = JWTKeyCollection()
        await key.register(in: keys)
    }

    /// Signs `claims` and returns the compact token `header.payload.signature`.
    ///
    /// - Throws: ``TokenError/Reason/signingFailed`` when the key is public only.
    public func sign<Custom>(_ claims: TokenClaims<Custom>) async throws(TokenError) -> String {
        guard key.canSign else { throw TokenError(.signingFailed) }
        do {
            return try await keys.sign(claims)
        } catch {
            throw TokenError(.signingFailed, underlying: error)
        }
    }

    /// Verifies `token` and returns its claims.
    ///
    /// - Parameters:
    ///   - as: The custom claims type.
    ///   - now: The time to check `exp` and `nbf` against (tests inject one).
    /// - Throws: ``TokenError`` — `malformed`, `wrongAlgorithm`, `badSignature`,
    ///   `expired`, `notYetValid`, `wrongIssuer` or `wrongAudience`.
    public func verify<Custom>(_ token: String, as: Custom.Type = Custom.self, now: Date = Date()) async throws(TokenError)
        -> TokenClaims<Custom>
    {
        let found = try Self.headerAlgorithm(of: token)
        guard found == key.algorithm.rawValue else {
            throw TokenError(.wrongAlgorithm(expected: key.algorithm.rawValue, found: found))
        }
        let claims: TokenClaims<Custom>
        do {
            claims = try await keys.verify(token, as: TokenClaims<Custom>.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenError(.badSignature, underlying: error)
        } catch {
            throw TokenError(.malformed, underlying: error)
        }
        try check(claims, now: now)
        return claims
    }

    private func check<Custom>(_ claims: TokenClaims<Custom>, now: Date) throws(TokenError) {
        let slack = Double(leeway.components.seconds) + Double(leeway.components.attoseconds) / 1e18
        if let expiry = claims.expiresAt, now.timeIntervalSince(expiry) >= slack {
            throw TokenError(.expired(expiry))
        }
        if let start = claims.notBefore, start.timeIntervalSince(now) > slack {
            throw TokenError(.notYetValid(start))
        }
        if let issuer, claims.issuer != issuer { throw TokenError(.wrongIssuer(claims.issuer)) }
        if let audience, !(claims.audience ?? []).contains(audience) {
            throw TokenError(.wrongAudience(claims.audience ?? []))
        }
    }

    /// The `alg` of a compact token's header, read without verifying anything.
    static func headerAlgorithm(of token: String) throws(TokenError) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = base64URLDecode(parts[0]) else { throw TokenError(.malformed) }
        struct Header: Decodable { var alg: String }
        do {
            return try JSONDecoder().decode(Header.self, from: Data(header)).alg
        } catch {
            throw TokenError(.malformed, underlying: error)
        }
    }

    private static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacing("-", with: "+").replacing("_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: String(base64)).map { Array($0) }
    }
}
