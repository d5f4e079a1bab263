import Foundation
import JWTKit

/// The claims of a JSON Web Token: the registered ones of RFC 7519 §4.1 plus your own
/// `Codable` type, whose fields sit beside them at the top level of the payload.
///
/// ```swift
/// struct Session: Codable, Sendable { var role: String }
///
/// let claims = TokenClaims(subject: "user-42", expiresAt: .now + 3600, custom: Session(role: "admin"))
/// // {"sub":"user-42","exp":1767225600,"role":"admin"}
/// ```
///
/// Times are whole seconds since 1970 (NumericDate); fractions are dropped when encoding.
public struct TokenClaims<Custom: Codable & Sendable>: Sendable, Codable {
    /// `iss`: who issued the token.
    public var issuer: String?
    /// `sub`: whom the token is about.
    public var subject: String?
    /// `aud`: who the token is for; one value is written as a string, several as an array.
    public var audience: [String]?
    /// `exp`: the token must not be accepted at or after this time.
    public var expiresAt: Date?
    /// `nbf`: the token must not be accepted before this time.
    public var notBefore: Date?
    /// `iat`: when the token was issued.
    public var issuedAt: Date?
    /// `jti`: a unique identifier, for revocation lists.
    public var id: String?
    /// Your application's claims.
    public var custom: Custom

    /// Creates claims; every registered claim is optional.
    public init(
        issuer: String? = nil, subject: String? = nil, audience: [String]? = nil, expiresAt: Date? = nil,
        notBefore: Date? = nil, issuedAt: Date? = nil, id: String? = nil, custom: Custom
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.id = id
        self.custom = custom
    }

    private enum RegisteredKey: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", expiresAt = "exp", notBefore = "nbf"
        case issuedAt = "iat", id = "jti"
    }

    /// Decodes the registered claims and `Custom` from the same JSON object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: RegisteredKey.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        if let single = try? container.decodeIfPresent(String.self, forKey: .audience) {
            audience = [single]
        } else {
            audience = try container.decodeIfPresent([String].self, forKey: .audience)
        }
        expiresAt = try Self.decodeDate(container, .expiresAt)
        notBefore = try Self.decodeDate(container, .notBefore)
        issuedAt = try Self.decodeDate(container, .issuedAt)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        custom = try Custom(from: decoder)
    }

    /// Encodes `Custom`, then the registered claims into the same JSON object.
    public func encode(to encoder: any Encoder) throws {
        try custom.encode(to: encoder)
        var container = encoder.container(keyedBy: RegisteredKey.self)
        try container.encodeIfPresent(issuer, forKey: .issuer)
        try container.encodeIfPresent(subject, forKey: .subject)
        if let audience, audience.count == 1 {
            try container.encode(audience[0], forKey: .audience)
        } else {
            try container.encodeIfPresent(audience, forKey: .audience)
        }
        for (date, key) in [(expiresAt, RegisteredKey.expiresAt), (notBefore, .notBefore), (issuedAt, .issuedAt)] {
            if let date { try container.encode(Int64(date.timeIntervalSince1970.rounded(.down)), forKey: key) }
        }
        try container.encodeIfPresent(id, forKey: .id)
    }

    private static func decodeDate(_ container: KeyedDecodingContainer<RegisteredKey>, _ key: RegisteredKey) throws
        -> Date?
    {
        try container.decodeIfPresent(Double.self, forKey: key).map { Date(timeIntervalSince1970: $0) }
    }
}

extension TokenClaims: JWTPayload {
    /// Does nothing: ``JSONWebTokens`` checks times, issuer and audience itself, against
    /// its injectable clock, after the signature has been verified.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Custom claims for tokens that carry only registered claims.
public struct NoCustomClaims: Codable, Sendable, Hashable {
    /// Creates the empty value.
    public init() {}
    /// Reads nothing.
    public init(from decoder: any Decoder) throws {}
    /// Writes nothing.
    public func encode(to encoder: any Encoder) throws {}
}

extension TokenClaims where Custom == NoCustomClaims {
    /// Creates claims with registered claims only.
    public init(
        issuer: String? = nil, subject: String? = nil, audience: [String]? = nil, expiresAt: Date? = nil,
        notBefore: Date? = nil, issuedAt: Date? = nil, id: String? = nil
    ) {
        self.init(
            issuer: issuer, subject: subject, audience: audience, expiresAt: expiresAt, notBefore: notBefore,
            issuedAt: issuedAt, id: id, custom: NoCustomClaims())
    }
}
