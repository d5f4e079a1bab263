import Foundation
import RoostCore

/// Why a JSON Web Token could not be made or was rejected.
public struct TokenError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// Not three base64url parts, or a header or payload that is not the expected JSON.
        case malformed
        /// The signature does not match the header and payload under this key.
        case badSignature
        /// The header names another algorithm than the key is for.
        case wrongAlgorithm(expected: String, found: String)
        /// `exp` is at or before the verification time (less the leeway).
        case expired(Date)
        /// `nbf` is after the verification time (plus the leeway).
        case notYetValid(Date)
        /// `iss` is missing or differs from the expected issuer.
        case wrongIssuer(String?)
        /// `aud` is missing or does not contain the expected audience.
        case wrongAudience([String])
        /// The key cannot be used (too short an HMAC secret, unreadable PEM, wrong size).
        case invalidKey(String)
        /// The key is public only, or the signing library failed.
        case signingFailed
    }

    /// What went wrong.
    public let reason: Reason
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `crypto.jwt.`.
    public var code: ErrorCode {
        switch reason {
        case .malformed: "crypto.jwt.malformed"
        case .badSignature: "crypto.jwt.bad_signature"
        case .wrongAlgorithm: "crypto.jwt.wrong_algorithm"
        case .expired: "crypto.jwt.expired"
        case .notYetValid: "crypto.jwt.not_yet_valid"
        case .wrongIssuer: "crypto.jwt.wrong_issuer"
        case .wrongAudience: "crypto.jwt.wrong_audience"
        case .invalidKey: "crypto.jwt.invalid_key"
        case .signingFailed: "crypto.jwt.signing_failed"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .malformed:
            "The token is not a well-formed JWT (three base64url parts with JSON header and claims); the client sent something else or cut it off."
        case .badSignature:
            "The token's signature does not verify: it was altered or signed with another key; ask the client to sign in again."
        case .wrongAlgorithm(let expected, let found):
            "The token is signed with \(found) but this verifier accepts only \(expected); tokens with other algorithms are refused."
        case .expired(let date):
            "The token expired at \(date.formatted(.iso8601)); ask the client to get a new one."
        case .notYetValid(let date):
            "The token is not valid before \(date.formatted(.iso8601)); check the clocks of issuer and verifier or raise the leeway."
        case .wrongIssuer(let issuer):
            "The token was issued by \(issuer.map { "\"\($0)\"" } ?? "nobody named"), not the expected issuer."
        case .wrongAudience(let audience):
            "The token is meant for \(audience.isEmpty ? "no audience" : audience.joined(separator: ", ")), not this service."
        case .invalidKey(let why):
            "The JWT key cannot be used: \(why)."
        case .signingFailed:
            "The token could not be signed; signing needs a private key (HMAC secret, RSA or EC private key)."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: TokenError, rhs: TokenError) -> Bool { lhs.reason == rhs.reason }
}
