import Foundation

/// Random bytes and tokens from the operating system's cryptographically secure
/// generator, for session ids, API keys, password-reset links and nonces.
///
/// ```swift
/// let apiKey = SecureRandom.token(byteCount: 32)              // 43 url-safe characters
/// let resetCode = SecureRandom.token(byteCount: 16, encoding: .hex)
/// ```
public enum SecureRandom {
    /// How a token's bytes are spelled.
    public enum TokenEncoding: Sendable, Hashable {
        /// Lowercase hexadecimal: two characters per byte.
        case hex
        /// URL-safe base64 without padding (RFC 4648 §5): four characters per three bytes.
        case base64URL
    }

    /// `count` random bytes.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "byte count must not be negative")
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = generator.next()
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        return bytes
    }

    /// A token holding `byteCount` random bytes (default 32, that is 256 bits), spelled in
    /// `encoding`.
    public static func token(byteCount: Int = 32, encoding: TokenEncoding = .base64URL) -> String {
        let raw = bytes(count: byteCount)
        switch encoding {
        case .hex:
            return Hex.encode(raw)
        case .base64URL:
            return String(
                Data(raw).base64EncodedString()
                    .replacing("+", with: "-")
                    .replacing("/", with: "_")
                    .trimmingSuffix { $0 == "=" })
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
