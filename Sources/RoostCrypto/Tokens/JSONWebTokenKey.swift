import Crypto
import Foundation
import JWTKit

/// A key for signing or verifying JSON Web Tokens, bound to one algorithm.
///
/// ```swift
/// let hmac = try JSONWebTokenKey.hs256(secret: Array(secret.utf8))    // 32+ bytes
/// let rsa = try JSONWebTokenKey.rs256(privateKey: RSAPrivateKey(pemOrBase64: pem))
/// let ec = try JSONWebTokenKey.es256(publicKeyPEM: partnerPEM)         // verify only
/// ```
///
/// Binding the algorithm to the key is what stops algorithm-confusion attacks: a token
/// whose header names another algorithm is refused before its signature is looked at.
public struct JSONWebTokenKey: Sendable {
    /// The algorithms supported.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// HMAC with SHA-256.
        case hs256 = "HS256"
        /// HMAC with SHA-384.
        case hs384 = "HS384"
        /// HMAC with SHA-512.
        case hs512 = "HS512"
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        case rs256 = "RS256"
        /// ECDSA on P-256 with SHA-256.
        case es256 = "ES256"
    }

    enum Material: Sendable {
        case hmac([UInt8])
        case rsaPrivate(JWTKit.Insecure.RSA.PrivateKey)
        case rsaPublic(JWTKit.Insecure.RSA.PublicKey)
        case ecPrivate(ES256PrivateKey)
        case ecPublic(ES256PublicKey)
    }

    /// The algorithm this key signs and verifies with.
    public let algorithm: Algorithm
    let material: Material

    /// Whether this key can sign (an HMAC secret or a private key).
    public var canSign: Bool {
        switch material {
        case .hmac, .rsaPrivate, .ecPrivate: true
        case .rsaPublic, .ecPublic: false
        }
    }

    /// HS256 with a secret of at least 32 bytes.
    public static func hs256(secret: some DataProtocol) throws(TokenError) -> Self { try hmac(secret, .hs256, 32) }
    /// HS384 with a secret of at least 48 bytes.
    public static func hs384(secret: some DataProtocol) throws(TokenError) -> Self { try hmac(secret, .hs384, 48) }
    /// HS512 with a secret of at least 64 bytes.
    public static func hs512(secret: some DataProtocol) throws(TokenError) -> Self { try hmac(secret, .hs512, 64) }

    private static func hmac(_ secret: some DataProtocol, _ algorithm: Algorithm, _ minimum: Int) throws(TokenError)
        -> Self
    {
        let bytes = Array(secret)
        guard bytes.count >= minimum else {
            throw TokenError(.invalidKey("\(algorithm.rawValue) needs a secret of at least \(minimum) bytes, got \(bytes.count)"))
        }
        return Self(algorithm: algorithm, material: .hmac(bytes))
    }

    /// RS256 signing (and verifying) with an RSA private key of at least 2048 bits.
    public static func rs256(privateKey: RSAPrivateKey) throws(TokenError) -> Self {
        do {
            return Self(algorithm: .rs256, material: .rsaPrivate(try JWTKit.Insecure.RSA.PrivateKey(backing: privateKey.signing)))
        } catch {
            throw TokenError(.invalidKey("RS256 needs an RSA key of at least 2048 bits"), underlying: error)
        }
    }

    /// RS256 verification with an RSA public key of at least 2048 bits.
    public static func rs256(publicKey: RSAPublicKey) throws(TokenError) -> Self {
        do {
            return Self(algorithm: .rs256, material: .rsaPublic(try JWTKit.Insecure.RSA.PublicKey(backing: publicKey.signing)))
        } catch {
            throw TokenError(.invalidKey("RS256 needs an RSA key of at least 2048 bits"), underlying: error)
        }
    }

    /// ES256 signing (and verifying) with a P-256 private key.
    public static func es256(privateKey: P256.Signing.PrivateKey) throws(TokenError) -> Self {
        do {
            return Self(algorithm: .es256, material: .ecPrivate(try ES256PrivateKey(backing: privateKey)))
        } catch {
            throw TokenError(.invalidKey("not a P-256 private key"), underlying: error)
        }
    }

    /// ES256 verification with a P-256 public key.
    public static func es256(publicKey: P256.Signing.PublicKey) throws(TokenError) -> Self {
        do {
            return Self(algorithm: .es256, material: .ecPublic(try ES256PublicKey(backing: publicKey)))
        } catch {
            throw TokenError(.invalidKey("not a P-256 public key"), underlying: error)
        }
    }

    /// ES256 signing with a P-256 private key in PEM (`BEGIN PRIVATE KEY` or `BEGIN EC PRIVATE KEY`).
    public static func es256(privateKeyPEM pem: String) throws(TokenError) -> Self {
        do {
            return try es256(privateKey: P256.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw TokenError(.invalidKey("the PEM is not a P-256 private key"), underlying: error)
        }
    }

    /// ES256 verification with a P-256 public key in PEM (`BEGIN PUBLIC KEY`).
    public static func es256(publicKeyPEM pem: String) throws(TokenError) -> Self {
        do {
            return try es256(publicKey: P256.Signing.PublicKey(pemRepresentation: pem))
        } catch {
            throw TokenError(.invalidKey("the PEM is not a P-256 public key"), underlying: error)
        }
    }

    func register(in keys: JWTKeyCollection) async {
        switch material {
        case .hmac(let secret):
            let digest: JWTKit.DigestAlgorithm = algorithm == .hs256 ? .sha256 : algorithm == .hs384 ? .sha384 : .sha512
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: digest)
        case .rsaPrivate(let key): await keys.add(rsa: key, digestAlgorithm: .sha256)
        case .rsaPublic(let key): await keys.add(rsa: key, digestAlgorithm: .sha256)
        case .ecPrivate(let key): await keys.add(ecdsa: key)
        case .ecPublic(let key): await keys.add(ecdsa: key)
        }
    }
}
