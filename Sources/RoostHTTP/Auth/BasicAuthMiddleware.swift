import Foundation
import HTTPTypes
import Hummingbird
import RoostCrypto

/// A user name and password from an `Authorization: Basic …` header.
public struct BasicCredentials: Sendable, Hashable {
    /// The user name (the part before the first `:`).
    public var username: String
    /// The password (everything after the first `:`).
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Whether these credentials are `username` and `password`, compared in constant time.
    ///
    /// Both sides are hashed first, so neither the position of the first difference nor
    /// the length of the stored secret shows in the time taken; both fields are always
    /// compared.
    public func matches(username: String, password: String) -> Bool {
        let sameUser = ConstantTime.equals(
            DigestAlgorithm.sha256.digest(of: self.username), DigestAlgorithm.sha256.digest(of: username))
        let samePassword = ConstantTime.equals(
            DigestAlgorithm.sha256.digest(of: self.password), DigestAlgorithm.sha256.digest(of: password))
        return sameUser && samePassword
    }

    /// Parses an `Authorization` header value; `nil` when it is not the Basic scheme.
    /// - Throws: ``AuthenticationError`` (`malformed_credentials`) for a Basic value that
    ///   is not base64 of UTF-8 `user:password`.
    static func parse(_ header: String, challenge: String) throws(AuthenticationError) -> BasicCredentials? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        let encoded = parts[1].trimmingCharacters(in: .whitespaces)
        guard encoded.utf8.count <= 4096, let data = Data(base64Encoded: encoded),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw AuthenticationError(.malformedCredentials, challenge: challenge)
        }
        return BasicCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
}

/// Requires HTTP Basic authentication (RFC 7617) and stores who signed in in
/// ``AuthenticatedRequestContext/identity``.
///
/// The verifier gets the parsed credentials and returns the identity, or `nil` to
/// refuse. Compare secrets with ``BasicCredentials/matches(username:password:)`` (or
/// a password hash check), never with `==`. Refusals are `401` envelopes with
/// `WWW-Authenticate: Basic realm="…", charset="UTF-8"`. Use it over TLS only.
///
/// ```swift
/// router.add(middleware: BasicAuthMiddleware(realm: "admin") { credentials in
///     credentials.matches(username: "ops", password: secret) ? "ops" : nil
/// })
/// ```
public struct BasicAuthMiddleware<Context: AuthenticatedRequestContext>: RouterMiddleware {
    private let challenge: String
    private let verify: @Sendable (BasicCredentials) async throws -> Context.Identity?

    /// Creates the middleware.
    /// - Parameters:
    ///   - realm: The protection space named in the challenge (quotes and backslashes are removed).
    ///   - verify: Returns the identity for valid credentials, `nil` otherwise.
    public init(
        realm: String = "Restricted", verify: @escaping @Sendable (BasicCredentials) async throws -> Context.Identity?
    ) {
        let safeRealm = realm.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
        self.challenge = "Basic realm=\"\(safeRealm)\", charset=\"UTF-8\""
        self.verify = verify
    }

    /// Checks the credentials, then runs the chain with the identity in the context.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization],
            let credentials = try BasicCredentials.parse(header, challenge: challenge)
        else {
            throw AuthenticationError(.missingCredentials, challenge: challenge)
        }
        guard let identity = try await verify(credentials) else {
            throw AuthenticationError(.invalidCredentials, challenge: challenge)
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}

extension BasicAuthMiddleware where Context.Identity == String {
    /// Accepts the users of a fixed table (user name → password); the identity is the
    /// user name. Every entry is compared, in constant time, on every request.
    ///
    /// ```swift
    /// router.add(middleware: BasicAuthMiddleware(realm: "metrics", users: ["prometheus": scrapeSecret]))
    /// ```
    public init(realm: String = "Restricted", users: [String: String]) {
        let table = users.map { BasicCredentials(username: $0.key, password: $0.value) }
        self.init(realm: realm) { presented in
            var found: String?
            for user in table where presented.matches(username: user.username, password: user.password) {
                found = user.username
            }
            return found
        }
    }
}
