import RoostCore

/// The server sent bytes that break the MySQL wire protocol, or a packet that cannot
/// arrive at this point of the conversation.
///
/// The connection is closed after a protocol error: its byte stream can no longer be
/// trusted. Match on ``code``:
///
/// - `mysql.protocol.malformed`: a packet is truncated or a field holds an impossible value.
/// - `mysql.protocol.tooLarge`: a packet or a length field exceeds the configured bound.
/// - `mysql.protocol.unexpected`: a well-formed packet arrived when another was expected.
/// - `mysql.protocol.unsupported`: the server asked for a feature this client does not offer.
///
/// ```swift
/// do { try await connection.query("SELECT 1") }
/// catch let error as MySQLProtocolError where error.kind == .malformed { … }
/// ```
public struct MySQLProtocolError: RoostError, Equatable {
    /// The kind of protocol violation.
    public enum Kind: String, Sendable, Equatable {
        /// A packet is truncated or a field holds an impossible value.
        case malformed
        /// A packet or a length field exceeds the configured bound.
        case tooLarge
        /// A well-formed packet arrived when another was expected.
        case unexpected
        /// The server asked for a feature this client does not offer.
        case unsupported
    }

    /// The kind of protocol violation.
    public var kind: Kind
    /// What was being read or checked when the violation was found.
    public var detail: String

    /// Creates a protocol error.
    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `mysql.protocol.<kind>`.
    public var code: ErrorCode { ErrorCode(rawValue: "mysql.protocol.\(kind.rawValue)") }

    /// What went wrong and what to do.
    public var message: String {
        switch kind {
        case .malformed:
            return "The MySQL server sent a malformed packet (\(detail)); the connection was closed. Check that the address points at a MySQL or MariaDB server."
        case .tooLarge:
            return "The MySQL server sent a packet larger than allowed (\(detail)); the connection was closed. Raise MySQLConfiguration.maximumPacketSize if such results are expected."
        case .unexpected:
            return "The MySQL server sent an unexpected packet (\(detail)); the connection was closed."
        case .unsupported:
            return "The MySQL server asked for something this client does not support (\(detail))."
        }
    }

    static func truncated(_ field: String) -> MySQLProtocolError {
        MySQLProtocolError(.malformed, "truncated \(field)")
    }
}
