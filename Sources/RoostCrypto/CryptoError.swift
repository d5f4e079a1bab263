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
        /// The ciphertext, nonce, tag or associated data were altered, or the key is wrong.
        case authenticationFailed
        /// A hexadecimal string had an odd length or a non-hex character.
        case invalidHex
    }

    /// What went wrong.
    public let reason: Reason
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `crypto.`.
    public var code: ErrorCode {
        switch reason {
        case .invalidKeySize: "crypto.key.invalid_size"
        case .envelopeTooShort: "crypto.envelope.too_short"
        case .unsupportedVersion: "crypto.envelope.unsupported_version"
        case .authenticationFailed: "crypto.envelope.authentication_failed"
        case .invalidHex: "crypto.hex.invalid"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .invalidKeySize(let size):
            "The key is \(size) bytes; AES-GCM needs 16, 24 or 32 bytes (32 recommended)."
        case .envelopeTooShort(let size):
            "The sealed data is only \(size) bytes, shorter than an envelope's header and tag; it was truncated or is not sealed data."
        case .unsupportedVersion(let version):
            "The sealed data has envelope version \(version), which this build cannot open; it was made by a newer release or is not sealed data."
        case .authenticationFailed:
            "The sealed data failed authentication: it was altered, or it was sealed with a different key or associated data."
        case .invalidHex:
            "The text is not hexadecimal: it needs an even number of characters 0-9, a-f or A-F."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.reason == rhs.reason }
}
