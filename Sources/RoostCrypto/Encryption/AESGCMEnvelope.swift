import Crypto
import Foundation

/// Authenticated encryption with AES-GCM in a self-describing, versioned envelope.
///
/// A sealed message is laid out as
///
/// | bytes | content |
/// |---|---|
/// | 1 | envelope version and algorithm: `1` for AES-GCM (``EnvelopeAlgorithm``) |
/// | 12 | random nonce |
/// | n | ciphertext (same length as the plaintext) |
/// | 16 | authentication tag |
///
/// The version byte lets later releases change the format while still opening old data.
/// Opening fails with a typed ``CryptoError`` when the data was altered, the key or
/// associated data differ, the envelope is truncated or its version is unknown.
///
/// ```swift
/// let box = try AESGCMEnvelope(key: SecureRandom.bytes(count: 32))
/// let sealed = try box.seal(Array("card 4111…".utf8))
/// let plain = try box.open(sealed)
/// ```
///
/// A nonce is drawn at random for every seal; with one key, stay well below 2³² seals
/// (rotate keys before that).
public struct AESGCMEnvelope: Sendable {
    /// The envelope version (algorithm byte) this type writes: ``EnvelopeAlgorithm/aesGCM``.
    public static let currentVersion: UInt8 = EnvelopeAlgorithm.aesGCM.rawValue
    /// Bytes of nonce in an envelope.
    public static let nonceByteCount = EnvelopeAlgorithm.nonceByteCount
    /// Bytes of authentication tag in an envelope.
    public static let tagByteCount = EnvelopeAlgorithm.tagByteCount
    /// The size of an envelope around an empty plaintext.
    public static let overhead = EnvelopeAlgorithm.overhead

    /// The raw key. Kept as bytes because `SymmetricKey` is not `Sendable`; a key object
    /// is made for each operation.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Creates an envelope sealer from raw key bytes.
    ///
    /// - Throws: ``CryptoError`` with ``CryptoError/Reason/invalidKeySize(_:)`` unless the
    ///   key is 16, 24 or 32 bytes (AES-128, AES-192, AES-256).
    public init(key: some ContiguousBytes) throws {
        let bytes = key.withUnsafeBytes { Array($0) }
        guard [16, 24, 32].contains(bytes.count) else { throw CryptoError(.invalidKeySize(bytes.count)) }
        self.keyBytes = bytes
    }

    /// Encrypts and authenticates `plaintext`, also authenticating (but not encrypting)
    /// `associatedData`, and returns the envelope.
    public func seal(_ plaintext: some DataProtocol, authenticating associatedData: some DataProtocol = [UInt8]()) throws
        -> [UInt8]
    {
        try seal(plaintext, nonce: AES.GCM.Nonce(), authenticating: associatedData)
    }

    /// Seals with caller-chosen nonce bytes: for known-answer tests only, since reusing a
    /// nonce with the same key destroys confidentiality and authenticity.
    func seal(_ plaintext: some DataProtocol, nonceBytes: [UInt8], authenticating associatedData: some DataProtocol)
        throws -> [UInt8]
    {
        try seal(plaintext, nonce: AES.GCM.Nonce(data: nonceBytes), authenticating: associatedData)
    }

    private func seal(_ plaintext: some DataProtocol, nonce: AES.GCM.Nonce, authenticating associatedData: some DataProtocol)
        throws -> [UInt8]
    {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: associatedData)
        return EnvelopeParts.assemble(.aesGCM, nonce: nonce, ciphertext: box.ciphertext, tag: box.tag)
    }

    /// Checks and decrypts an envelope made by ``seal(_:authenticating:)`` with the same
    /// key and associated data.
    ///
    /// - Throws: ``CryptoError`` — ``CryptoError/Reason/envelopeTooShort(_:)``,
    ///   ``CryptoError/Reason/unsupportedVersion(_:)``,
    ///   ``CryptoError/Reason/wrongEnvelopeAlgorithm(expected:found:)`` (a ChaCha20-Poly1305
    ///   envelope) or ``CryptoError/Reason/authenticationFailed``.
    public func open(_ envelope: some DataProtocol, authenticating associatedData: some DataProtocol = [UInt8]())
        throws -> [UInt8]
    {
        let parts = try EnvelopeParts(envelope, expecting: .aesGCM)
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: parts.nonce), ciphertext: parts.ciphertext, tag: parts.tag)
            return Array(try AES.GCM.open(box, using: key, authenticating: associatedData))
        } catch {
            throw CryptoError(.authenticationFailed, underlying: error)
        }
    }
}
