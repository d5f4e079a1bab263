import Crypto
import Foundation

/// Authenticated encryption with ChaCha20-Poly1305 (RFC 8439) in the same versioned
/// envelope as ``AESGCMEnvelope``, marked by algorithm byte `2`.
///
/// | bytes | content |
/// |---|---|
/// | 1 | `2` (``EnvelopeAlgorithm/chaCha20Poly1305``) |
/// | 12 | random nonce |
/// | n | ciphertext (same length as the plaintext) |
/// | 16 | Poly1305 tag |
///
/// ChaCha20-Poly1305 is fast in software, so it suits machines without AES instructions.
/// Opening fails with a typed ``CryptoError`` when the data was altered, the key or
/// associated data differ, the envelope is truncated or was sealed with AES-GCM.
///
/// ```swift
/// let box = try ChaChaPolyEnvelope(key: SecureRandom.bytes(count: 32))
/// let sealed = try box.seal(Array("secret".utf8))
/// let plain = try box.open(sealed)
/// ```
public struct ChaChaPolyEnvelope: Sendable {
    /// The key length in bytes.
    public static let keyByteCount = 32

    /// The raw key; `SymmetricKey` is not `Sendable`, so a key object is made per call.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Creates an envelope sealer from a 32-byte key.
    ///
    /// - Throws: ``CryptoError`` with ``CryptoError/Reason/invalidKeySize(_:)`` for any
    ///   other length.
    public init(key: some ContiguousBytes) throws(CryptoError) {
        let bytes = key.withUnsafeBytes { Array($0) }
        guard bytes.count == Self.keyByteCount else {
            throw CryptoError(.invalidKeySize(bytes.count), detail: "ChaCha20-Poly1305 needs exactly 32 bytes.")
        }
        self.keyBytes = bytes
    }

    /// Encrypts and authenticates `plaintext`, also authenticating (but not encrypting)
    /// `associatedData`, with a fresh random nonce.
    public func seal(_ plaintext: some DataProtocol, authenticating associatedData: some DataProtocol = [UInt8]())
        throws -> [UInt8]
    {
        try seal(plaintext, nonce: ChaChaPoly.Nonce(), authenticating: associatedData)
    }

    /// Seals with caller-chosen nonce bytes: for known-answer tests only.
    func seal(_ plaintext: some DataProtocol, nonceBytes: [UInt8], authenticating associatedData: some DataProtocol)
        throws -> [UInt8]
    {
        try seal(plaintext, nonce: ChaChaPoly.Nonce(data: nonceBytes), authenticating: associatedData)
    }

    private func seal(_ plaintext: some DataProtocol, nonce: ChaChaPoly.Nonce, authenticating associatedData: some DataProtocol)
        throws -> [UInt8]
    {
        let box = try ChaChaPoly.seal(plaintext, using: key, nonce: nonce, authenticating: associatedData)
        return EnvelopeParts.assemble(.chaCha20Poly1305, nonce: nonce, ciphertext: box.ciphertext, tag: box.tag)
    }

    /// Checks and decrypts an envelope made by ``seal(_:authenticating:)`` with the same
    /// key and associated data.
    ///
    /// - Throws: ``CryptoError`` — ``CryptoError/Reason/envelopeTooShort(_:)``,
    ///   ``CryptoError/Reason/unsupportedVersion(_:)``,
    ///   ``CryptoError/Reason/wrongEnvelopeAlgorithm(expected:found:)`` (an AES-GCM
    ///   envelope) or ``CryptoError/Reason/authenticationFailed``.
    public func open(_ envelope: some DataProtocol, authenticating associatedData: some DataProtocol = [UInt8]())
        throws(CryptoError) -> [UInt8]
    {
        let parts = try EnvelopeParts(envelope, expecting: .chaCha20Poly1305)
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: parts.nonce), ciphertext: parts.ciphertext, tag: parts.tag)
            return Array(try ChaChaPoly.open(box, using: key, authenticating: associatedData))
        } catch {
            throw CryptoError(.authenticationFailed, underlying: error)
        }
    }
}
