import RoostCore

/// The bytes received from the server do not form valid RESP, or break a configured limit.
///
/// A protocol error means the stream can no longer be trusted: the connection that saw it
/// is closed and every command in flight on it fails with this error.
///
/// ```swift
/// do { _ = try await connection.send("GET", "key") }
/// catch let error as RedisProtocolError where error.kind == .tooLarge { ... }
/// ```
public struct RedisProtocolError: RoostError, Hashable {
    /// What kind of protocol violation happened.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// The bytes are not valid RESP2/RESP3.
        public static let malformed = Kind(name: "malformed")
        /// A length, count, line or nesting depth is above ``RESPDecoderLimits``.
        public static let tooLarge = Kind(name: "too_large")
        /// The server sent a reply that nothing asked for, or of a type the command cannot
        /// interpret.
        public static let unexpectedReply = Kind(name: "unexpected_reply")
        /// The kind's name, as used in the error code.
        public var description: String { name }
    }

    /// What kind of protocol violation happened.
    public let kind: Kind
    /// A description of the offending bytes or reply.
    public let detail: String

    /// Creates a protocol error.
    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `redis.protocol.malformed`, `redis.protocol.too_large` or
    /// `redis.protocol.unexpected_reply`.
    public var code: ErrorCode { ErrorCode(rawValue: "redis.protocol.\(kind.name)") }

    /// What happened and what to do.
    public var message: String {
        switch kind {
        case .tooLarge:
            return "The server sent a reply beyond the decoder limits (\(detail)); the connection was closed. Raise RESPDecoderLimits if such replies are expected."
        case .unexpectedReply:
            return "The server sent an unexpected reply (\(detail)); check that the command and server version match."
        default:
            return "The server sent bytes that are not valid RESP (\(detail)); the connection was closed. Check that the address points at a Redis server."
        }
    }

    static func malformed(_ detail: String) -> RedisProtocolError { .init(.malformed, detail) }
    static func tooLarge(_ detail: String) -> RedisProtocolError { .init(.tooLarge, detail) }
    static func unexpected(_ value: RESPValue, expected: String) -> RedisProtocolError {
        .init(.unexpectedReply, "expected \(expected), got \(value.typeName)")
    }
}
