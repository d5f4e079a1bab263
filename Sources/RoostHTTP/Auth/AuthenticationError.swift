import HTTPTypes
import RoostCore

/// Why a request was refused with `401 Unauthorized`.
///
/// Rendered by ``ErrorEnvelopeMiddleware`` as an envelope with code 401, the reason in
/// `extra.reason` (clients branch on it: `token_expired` means "refresh", the others
/// mean "sign in again"), and a `WWW-Authenticate` challenge header.
///
/// ```json
/// {"code":401,"data":null,"extra":{"reason":"token_expired"},"msg":"Unauthorized","request_id":"…"}
/// ```
public struct AuthenticationError: EnvelopeError, RoostError, Equatable {
    /// The kinds of refusal; each has its own stable code.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// No `Authorization` header, or one for another scheme.
        case missingCredentials = "missing_credentials"
        /// Basic credentials that are not valid base64 `user:password`.
        case malformedCredentials = "malformed_credentials"
        /// Credentials the verifier rejected.
        case invalidCredentials = "invalid_credentials"
        /// A bearer token that is not a well-formed JWT.
        case malformedToken = "malformed_token"
        /// A token whose signature does not verify.
        case badSignature = "bad_signature"
        /// A token signed with another algorithm than the key's.
        case wrongAlgorithm = "wrong_algorithm"
        /// A token past its `exp`.
        case tokenExpired = "token_expired"
        /// A token before its `nbf`.
        case tokenNotYetValid = "token_not_yet_valid"
        /// A token from another issuer or for another audience.
        case wrongIssuerOrAudience = "wrong_issuer_or_audience"
    }

    /// What was wrong.
    public let reason: Reason
    /// The challenge sent in `WWW-Authenticate`.
    public let challenge: String
    /// The lower-level error (a `TokenError` for bearer tokens), kept for the logs.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, challenge: String, underlying: (any Error)? = nil) {
        self.reason = reason
        self.challenge = challenge
        self.underlying = underlying
    }

    /// 401.
    public var envelopeCode: Int { 401 }
    /// 401 Unauthorized.
    public var status: HTTPResponse.Status { .unauthorized }
    /// `Unauthorized`.
    public var publicMessage: String { "Unauthorized" }
    /// `{"reason": "<reason>"}`.
    public var extra: JSONValue? { ["reason": .string(reason.rawValue)] }
    /// `WWW-Authenticate` with the challenge.
    public var headers: HTTPFields { [.wwwAuthenticate: challenge] }
    /// `http.auth.<reason>`.
    public var code: ErrorCode { ErrorCode(rawValue: "http.auth.\(reason.rawValue)") }
    /// What happened and what the client should do.
    public var message: String {
        switch reason {
        case .missingCredentials: "The request has no credentials; send an Authorization header."
        case .malformedCredentials: "The Basic credentials are not base64 of user:password; fix the client."
        case .invalidCredentials: "The credentials were rejected; check the user name and password."
        case .malformedToken: "The bearer token is not a JWT; send the token exactly as issued."
        case .badSignature: "The token's signature does not verify; sign in again for a new token."
        case .wrongAlgorithm: "The token uses an algorithm this service does not accept."
        case .tokenExpired: "The token has expired; get a new one."
        case .tokenNotYetValid: "The token is not valid yet; check the issuer's clock."
        case .wrongIssuerOrAudience: "The token was issued by or for another service."
        }
    }

    /// Compares reasons and challenges; the underlying error is not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.reason == rhs.reason && lhs.challenge == rhs.challenge
    }
}

/// A request context that can carry who is making the request, filled in by
/// ``BasicAuthMiddleware`` or ``JWTAuthMiddleware``.
///
/// ```swift
/// router.get("/me") { _, context in
///     Envelope.success(context.identity!.subject, context: context)
/// }
/// ```
public protocol AuthenticatedRequestContext<Identity>: RoostRequestContext {
    /// What an authentication middleware establishes: a user record, token claims…
    associatedtype Identity: Sendable
    /// The authenticated identity, `nil` until an authentication middleware has run.
    var identity: Identity? { get set }
}
