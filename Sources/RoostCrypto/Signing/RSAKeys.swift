import Crypto
import Foundation
import _CryptoExtras

/// An RSA public key for verifying signatures and encrypting, read from PEM or from bare
/// base64 DER as many services hand keys around.
///
/// Accepted forms: PEM `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) or
/// `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1), and the same DER as base64 text without
/// headers or line breaks. Keys of 1024 bits or more are accepted so signatures from
/// older systems can be checked; create new keys with 2048 bits or more.
///
/// ```swift
/// let key = try RSAPublicKey(pemOrBase64: configuredKey)
/// let ok = key.isValidSignature(signature, for: body, hash: .sha256)
/// ```
public struct RSAPublicKey: Sendable {
    let signing: _RSA.Signing.PublicKey

    /// The same key for OAEP; made per use because the encryption key type is not `Sendable`.
    func encryptionKey() throws -> _RSA.Encryption.PublicKey {
        try _RSA.Encryption.PublicKey(unsafeDERRepresentation: signing.derRepresentation)
    }

    /// Reads a key from PEM text or base64 DER (PKCS#1 or SubjectPublicKeyInfo).
    ///
    /// - Throws: ``CryptoError/Reason/invalidKey(_:)`` when the text is neither.
    public init(pemOrBase64 text: String) throws(CryptoError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if trimmed.hasPrefix("-----BEGIN") {
                signing = try _RSA.Signing.PublicKey(unsafePEMRepresentation: trimmed)
            } else {
                signing = try _RSA.Signing.PublicKey(unsafeDERRepresentation: try RSAKeyText.der(trimmed))
            }
        } catch {
            throw CryptoError(.invalidKey("RSA public"), underlying: error)
        }
    }

    /// Reads a key from DER bytes (PKCS#1 or SubjectPublicKeyInfo).
    public init(der: some DataProtocol) throws(CryptoError) {
        do {
            signing = try _RSA.Signing.PublicKey(unsafeDERRepresentation: der)
        } catch {
            throw CryptoError(.invalidKey("RSA public"), underlying: error)
        }
    }

    init(_ key: _RSA.Signing.PublicKey) throws(CryptoError) {
        try self.init(der: key.derRepresentation)
    }

    /// The key size in bits.
    public var bitCount: Int { signing.keySizeInBits }
    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
    public var pem: String { signing.pemRepresentation }
    /// SubjectPublicKeyInfo DER as one line of base64, the "bare" form.
    public var base64DER: String { signing.derRepresentation.base64EncodedString() }
}

/// An RSA private key for signing and decrypting, read from PEM or bare base64 DER.
///
/// Accepted forms: PEM `-----BEGIN PRIVATE KEY-----` (PKCS#8) or
/// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1), and the same DER as base64 text.
///
/// ```swift
/// let key = try RSAPrivateKey(pemOrBase64: configuredKey)
/// let signature = try key.signature(for: body, hash: .sha256)
/// ```
public struct RSAPrivateKey: Sendable {
    let signing: _RSA.Signing.PrivateKey

    /// The same key for OAEP; made per use because the encryption key type is not `Sendable`.
    func encryptionKey() throws -> _RSA.Encryption.PrivateKey {
        try _RSA.Encryption.PrivateKey(unsafeDERRepresentation: signing.derRepresentation)
    }

    /// Generates a new key of `bitCount` bits (2048, 3072 or 4096).
    public init(generatingBits bitCount: Int = 2048) throws(CryptoError) {
        do {
            signing = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bitCount))
        } catch {
            throw CryptoError(.invalidParameter("bitCount"), detail: "Use 2048, 3072 or 4096.", underlying: error)
        }
    }

    /// Reads a key from PEM text or base64 DER (PKCS#1 or PKCS#8).
    ///
    /// - Throws: ``CryptoError/Reason/invalidKey(_:)`` when the text is neither.
    public init(pemOrBase64 text: String) throws(CryptoError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if trimmed.hasPrefix("-----BEGIN") {
                signing = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: trimmed)
            } else {
                signing = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: try RSAKeyText.der(trimmed))
            }
        } catch {
            throw CryptoError(.invalidKey("RSA private"), underlying: error)
        }
    }

    /// The matching public key.
    public var publicKey: RSAPublicKey {
        // A private key's own public half always re-reads.
        try! RSAPublicKey(signing.publicKey)
    }

    /// The key size in bits.
    public var bitCount: Int { signing.keySizeInBits }
    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`).
    public var pem: String { signing.pkcs8PEMRepresentation }
    /// PKCS#1 DER (`RSAPrivateKey`) as one line of base64.
    public var base64DER: String { signing.derRepresentation.base64EncodedString() }
}

enum RSAKeyText {
    /// Decodes base64 DER, tolerating line breaks and spaces inside.
    static func der(_ text: String) throws(CryptoError) -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact), !data.isEmpty else { throw CryptoError(.invalidBase64) }
        return Array(data)
    }
}
