import Foundation

/// The algorithm named by the first byte of a sealed envelope.
///
/// Both envelope types share one layout — algorithm byte, 12-byte nonce, ciphertext,
/// 16-byte tag — and the first byte tells them apart, so stored data says how to open it.
///
/// ```swift
/// switch try EnvelopeAlgorithm.of(sealed) {
/// case .aesGCM: try aes.open(sealed)
/// case .chaCha20Poly1305: try chacha.open(sealed)
/// }
/// ```
public enum EnvelopeAlgorithm: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AES-GCM, written by ``AESGCMEnvelope`` (byte `1`).
    case aesGCM = 1
    /// ChaCha20-Poly1305 (RFC 8439), written by ``ChaChaPolyEnvelope`` (byte `2`).
    case chaCha20Poly1305 = 2

    /// `AES-GCM` or `ChaCha20-Poly1305`.
    public var description: String {
        switch self {
        case .aesGCM: "AES-GCM"
        case .chaCha20Poly1305: "ChaCha20-Poly1305"
        }
    }

    /// Bytes of nonce in an envelope of either algorithm.
    public static let nonceByteCount = 12
    /// Bytes of authentication tag in an envelope of either algorithm.
    public static let tagByteCount = 16
    /// The size of an envelope around an empty plaintext.
    public static let overhead = 1 + nonceByteCount + tagByteCount

    /// The algorithm that sealed `envelope`.
    ///
    /// - Throws: ``CryptoError`` — ``CryptoError/Reason/envelopeTooShort(_:)`` for empty
    ///   data, ``CryptoError/Reason/unsupportedVersion(_:)`` for an unknown first byte.
    public static func of(_ envelope: some DataProtocol) throws(CryptoError) -> EnvelopeAlgorithm {
        guard let first = envelope.first else { throw CryptoError(.envelopeTooShort(0)) }
        guard let algorithm = EnvelopeAlgorithm(rawValue: first) else { throw CryptoError(.unsupportedVersion(first)) }
        return algorithm
    }
}

/// The parts of an envelope, checked for this algorithm and length.
struct EnvelopeParts {
    let nonce: ArraySlice<UInt8>
    let ciphertext: ArraySlice<UInt8>
    let tag: ArraySlice<UInt8>

    init(_ envelope: some DataProtocol, expecting algorithm: EnvelopeAlgorithm) throws(CryptoError) {
        let bytes = Array(envelope)
        let found = try EnvelopeAlgorithm.of(bytes)
        guard found == algorithm else {
            throw CryptoError(.wrongEnvelopeAlgorithm(expected: algorithm, found: found))
        }
        guard bytes.count >= EnvelopeAlgorithm.overhead else { throw CryptoError(.envelopeTooShort(bytes.count)) }
        let nonceEnd = 1 + EnvelopeAlgorithm.nonceByteCount
        let tagStart = bytes.count - EnvelopeAlgorithm.tagByteCount
        nonce = bytes[1..<nonceEnd]
        ciphertext = bytes[nonceEnd..<tagStart]
        tag = bytes[tagStart...]
    }

    static func assemble(
        _ algorithm: EnvelopeAlgorithm, nonce: some Sequence<UInt8>, ciphertext: some Collection<UInt8>,
        tag: some Sequence<UInt8>
    ) -> [UInt8] {
        var envelope = [algorithm.rawValue]
        envelope.reserveCapacity(EnvelopeAlgorithm.overhead + ciphertext.count)
        envelope.append(contentsOf: nonce)
        envelope.append(contentsOf: ciphertext)
        envelope.append(contentsOf: tag)
        return envelope
    }
}
