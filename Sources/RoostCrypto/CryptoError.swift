import RoostCore

/// Why a RoostCrypto operation failed.
public struct CryptoError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// A key had an unsupported length (in bytes).
        case invalidKeySize(Int)
        /// An envelope was shorter than a version byte, nonce and tag.
        case envelopeTooShort(Int)
        /// An envelope started with a version this library does not know.
        case unsupportedVersion(UInt8)
        /// An envelope was sealed with another algorithm than the opener uses.
        case wrongEnvelopeAlgorithm(expected: EnvelopeAlgorithm, found: EnvelopeAlgorithm)
        /// The ciphertext, nonce, tag or associated data were altered, or the key is wrong.
        case authenticationFailed
        /// A hexadecimal string had an odd length or a non-hex character.
        case invalidHex
        /// A base64 string (standard alphabet) could not be decoded.
        case invalidBase64
        /// An RSA key could not be read from PEM or DER (which kind: public or private).
        case invalidKey(String)
        /// A key derivation parameter was out of range (which one).
        case invalidParameter(String)
        /// A stored password hash does not have the `$scheme$params$salt$hash` form.
        case malformedPasswordHash
        /// A stored password hash names a scheme this library does not know.
        case unsupportedPasswordScheme(String)
        /// The underlying library refused to sign, encrypt, decrypt or derive.
        case operationFailed(String)
    }

    /// What went wrong.
    public let reason: Reason
    /// Extra context for the message (for example the accepted key sizes).
    public let detail: String?
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, detail: String? = nil, underlying: (any Error)? = nil) {
        self.reason = reason
        self.detail = detail
        self.underlying = underlying
    }

    /// Stable codes under `crypto.`.
    public var code: ErrorCode {
        switch reason {
        case .invalidKeySize: "crypto.key.invalid_size"
        case .envelopeTooShort: "crypto.envelope.too_short"
        case .unsupportedVersion: "crypto.envelope.unsupported_version"
        case .wrongEnvelopeAlgorithm: "crypto.envelope.wrong_algorithm"
        case .authenticationFailed: "crypto.envelope.authentication_failed"
        case .invalidHex: "crypto.hex.invalid"
        case .invalidBase64: "crypto.base64.invalid"
        case .invalidKey: "crypto.key.invalid"
        case .invalidParameter: "crypto.kdf.invalid_parameter"
        case .malformedPasswordHash: "crypto.password.malformed_hash"
        case .unsupportedPasswordScheme: "crypto.password.unsupported_scheme"
        case .operationFailed: "crypto.operation.failed"
        }
    }

    /// What happened and what to do.
    public var message: String {
        let text: String =
            switch reason {
            case .invalidKeySize(let size):
                "The key is \(size) bytes; AES-GCM needs 16, 24 or 32 bytes (32 recommended)."
            case .envelopeTooShort(let size):
                "The sealed data is only \(size) bytes, shorter than an envelope's header and tag; it was truncated or is not sealed data."
            case .unsupportedVersion(let version):
                "The sealed data has envelope version \(version), which this build cannot open; it was made by a newer release or is not sealed data."
            case .wrongEnvelopeAlgorithm(let expected, let found):
                "The sealed data was made with \(found), not \(expected); open it with the matching envelope type (see EnvelopeAlgorithm.of)."
            case .authenticationFailed:
                "The sealed data failed authentication: it was altered, or it was sealed with a different key or associated data."
            case .invalidHex:
                "The text is not hexadecimal: it needs an even number of characters 0-9, a-f or A-F."
            case .invalidBase64:
                "The text is not base64; pass the key or signature in standard base64 (A-Z, a-z, 0-9, +, /, = padding)."
            case .invalidKey(let kind):
                "The \(kind) key could not be read; pass PEM text or base64 DER (PKCS#1, PKCS#8 or SubjectPublicKeyInfo) of an RSA key of at least 1024 bits."
            case .invalidParameter(let name):
                "The key derivation parameter \(name) is out of range; see the parameter's documentation for accepted values."
            case .malformedPasswordHash:
                "The stored password hash is not of the form $scheme$parameters$salt$hash; it was truncated or did not come from PasswordHasher."
            case .unsupportedPasswordScheme(let scheme):
                "The stored password hash uses scheme \"\(scheme)\"; this build knows scrypt and pbkdf2-sha256/pbkdf2-sha512."
            case .operationFailed(let operation):
                "The cryptographic library could not \(operation); check the key type and the input size."
            }
        guard let detail else { return text }
        if case .invalidKeySize(let size) = reason { return "The key is \(size) bytes. \(detail)" }
        return "\(text) \(detail)"
    }

    /// Compares reasons; the detail and underlying error are not compared.
    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.reason == rhs.reason }
}
