import Foundation
import HTTPTypes
import NIOCore
import Hummingbird
import RoostCrypto

/// Requires a bearer JSON Web Token (RFC 6750) and stores its verified claims in
/// ``AuthenticatedRequestContext/identity``.
///
/// Verification is RoostCrypto's ``JSONWebTokens``: the algorithm is fixed by the key
/// (a token naming another one is refused before its signature is read), then the
/// signature, `exp`, `nbf`, issuer and audience. Each failure is a `401` envelope whose
/// `extra.reason` tells the client what to do (`token_expired` → refresh), with a
/// `WWW-Authenticate: Bearer` challenge.
///
/// ```swift
/// struct Session: Codable, Sendable { var role: String }
/// struct AppContext: AuthenticatedRequestContext { …; var identity: TokenClaims<Session>? }
///
/// let tokens = try await JSONWebTokens(key: .hs256(secret: secret), issuer: "auth.example")
/// router.add(middleware: JWTAuthMiddleware<AppContext, Session>(tokens: tokens))
/// router.get("/me") { _, context in Envelope.success(context.identity!.subject, context: context) }
/// ```
public struct JWTAuthMiddleware<Context: AuthenticatedRequestContext, Custom: Codable & Sendable>: RouterMiddleware
where Context.Identity == TokenClaims<Custom> {
    /// Bearer tokens longer than this are refused unread.
    public static var maxTokenBytes: Int { 16 * 1024 }

    private let tokens: JSONWebTokens
    private let realm: String
    private let now: @Sendable () -> Date

    /// Creates the middleware.
    /// - Parameters:
    ///   - tokens: The verifier, with its key, issuer and audience.
    ///   - realm: The protection space named in the challenge.
    ///   - now: The clock `exp` and `nbf` are checked against (tests inject one).
    public init(tokens: JSONWebTokens, realm: String = "api", now: @escaping @Sendable () -> Date = Date.init) {
        self.tokens = tokens
        self.realm = realm.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
        self.now = now
    }

    /// Verifies the token, then runs the chain with its claims in the context.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw AuthenticationError(.missingCredentials, challenge: "Bearer realm=\"\(realm)\"")
        }
        guard token.utf8.count <= Self.maxTokenBytes else {
            throw refusal(.malformedToken, underlying: nil)
        }
        let claims: TokenClaims<Custom>
        do {
            claims = try await tokens.verify(token, as: Custom.self, now: now())
        } catch {
            throw refusal(Self.reason(for: error.reason), underlying: error)
        }
        var context = context
        context.identity = claims
        return try await next(request, context)
    }

    private func refusal(_ reason: AuthenticationError.Reason, underlying: TokenError?) -> AuthenticationError {
        AuthenticationError(
            reason, challenge: "Bearer realm=\"\(realm)\", error=\"invalid_token\"", underlying: underlying)
    }

    /// The token of a `Bearer` authorization header (scheme case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func reason(for reason: TokenError.Reason) -> AuthenticationError.Reason {
        switch reason {
        case .malformed, .invalidKey, .signingFailed: .malformedToken
        case .badSignature: .badSignature
        case .wrongAlgorithm: .wrongAlgorithm
        case .expired: .tokenExpired
        case .notYetValid: .tokenNotYetValid
        case .wrongIssuer, .wrongAudience: .wrongIssuerOrAudience
        }
    }
}

/// A ready-made request context that carries an authenticated identity beside the
/// request id, for applications that need nothing more.
///
/// ```swift
/// let router = Router(context: AuthenticatedRoostRequestContext<TokenClaims<Session>>.self)
/// ```
public struct AuthenticatedRoostRequestContext<Identity: Sendable>: AuthenticatedRequestContext,
    RemoteAddressRequestContext
{
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The id of the request being handled.
    public var requestID: String
    /// Who is making the request, once authenticated.
    public var identity: Identity?
    /// The address of the peer that sent the request.
    public let remoteAddress: SocketAddress?

    /// Creates the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The same JSON encoder as ``BasicRoostRequestContext``.
    public var responseEncoder: JSONEncoder { BasicRoostRequestContext.sharedEncoder }
}
