/// Why text could not be decoded by ``Radix``, ``Base32`` or ``Base64URL``.
public struct TextDecodingError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// A character outside the alphabet, at a zero-based character offset.
        case invalidCharacter(Character, offset: Int)
        /// The value does not fit in the target integer type.
        case overflow
        /// The length (or the amount of padding) cannot come from an encoder.
        case invalidLength(Int)
        /// The input was empty where a value was required.
        case empty
    }

    /// What went wrong.
    public let reason: Reason
    /// The encoding's name, for the message (`base62`, `base32`, …).
    public let encoding: String

    /// Creates the error.
    public init(_ reason: Reason, encoding: String) {
        self.reason = reason
        self.encoding = encoding
    }

    /// Stable codes under `encoding.`.
    public var code: ErrorCode {
        switch reason {
        case .invalidCharacter: "encoding.invalid_character"
        case .overflow: "encoding.overflow"
        case .invalidLength: "encoding.invalid_length"
        case .empty: "encoding.empty"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .invalidCharacter(let character, let offset):
            "\"\(character)\" at offset \(offset) is not a \(encoding) character; the text was mistyped or uses another alphabet."
        case .overflow:
            "The \(encoding) text is too large for a 64-bit unsigned integer; decode it as bytes instead."
        case .invalidLength(let length):
            "\(length) characters cannot be \(encoding) output; the text was cut off or has wrong padding."
        case .empty:
            "The \(encoding) text is empty; pass at least one character."
        }
    }
}
