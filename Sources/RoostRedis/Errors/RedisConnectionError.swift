import NIOSSL
import RoostCore

/// The connection to Redis could not be made, or went away.
///
/// Every command in flight when a connection breaks fails with this error; the command may
/// or may not have run on the server.
public struct RedisConnectionError: RoostError {
    /// What happened to the connection.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// Connecting (TCP, or the handshake) failed.
        public static let connectFailed = Kind(name: "connect_failed")
        /// The server closed the connection, or the network dropped it.
        public static let closed = Kind(name: "closed")
        /// The TLS handshake failed: the server's certificate is not trusted or does not
        /// name the host, or the server does not speak TLS on that port.
        public static let tlsFailed = Kind(name: "tls_failed")
        /// The connection was closed by ``RedisConnection/close()``.
        public static let closedByClient = Kind(name: "closed_by_client")
        /// The kind's name, as used in the error code.
        public var description: String { name }
    }

    /// What happened to the connection.
    public let kind: Kind
    /// The server address, as `host:port`.
    public let address: String
    /// The cause, such as a socket error, if known.
    public let underlying: (any Error)?

    /// Creates a connection error.
    public init(_ kind: Kind, address: String, underlying: (any Error)? = nil) {
        self.kind = kind
        self.address = address
        self.underlying = underlying
    }

    /// `redis.connection.connect_failed`, `redis.connection.tls_failed`,
    /// `redis.connection.closed` or `redis.connection.closed_by_client`.
    public var code: ErrorCode { ErrorCode(rawValue: "redis.connection.\(kind.name)") }

    /// What happened and what to do.
    public var message: String {
        switch kind {
        case .connectFailed:
            return "Could not connect to Redis at \(address); check that the server runs and the URL is right."
        case .tlsFailed:
            return "The TLS handshake with Redis at \(address) failed; check the CA file, the server's certificate (it must name the host) and that the port speaks TLS."
        case .closedByClient:
            return "The connection to Redis at \(address) was closed by this client; open a new one."
        default:
            return "The connection to Redis at \(address) was lost; the command may or may not have run. Retry on a new connection if it is safe to repeat."
        }
    }
}

extension RedisConnectionError {
    /// `error` as a ``Kind/tlsFailed`` error when a TLS failure caused it; otherwise
    /// unchanged.
    static func classifyingTLS(_ error: any Error, address: String) -> any Error {
        guard let connectionError = error as? RedisConnectionError, let cause = connectionError.underlying,
            cause is NIOSSLError || cause is BoringSSLError || cause is NIOSSLExtraError
        else { return error }
        return RedisConnectionError(.tlsFailed, address: address, underlying: cause)
    }
}

/// A command got no reply within its deadline.
///
/// The connection stays usable: the late reply is discarded when it arrives.
public struct RedisTimeoutError: RoostError, Hashable {
    /// The command that timed out (credentials redacted).
    public let command: String
    /// The time the command was allowed.
    public let timeout: Duration

    /// Creates a timeout error.
    public init(command: String, timeout: Duration) {
        self.command = command
        self.timeout = timeout
    }

    /// `redis.command.timeout`.
    public var code: ErrorCode { "redis.command.timeout" }

    /// What happened and what to do.
    public var message: String {
        "Redis did not answer \(command) within \(timeout); raise the command timeout or check the server's load (SLOWLOG)."
    }
}

/// A Redis connection setting is invalid, such as a malformed `redis://` URL.
public struct RedisConfigurationError: RoostError, Hashable {
    /// What is wrong, and how to write it instead.
    public let message: String

    /// Creates a configuration error.
    public init(_ message: String) { self.message = message }

    /// `redis.config.invalid`.
    public var code: ErrorCode { "redis.config.invalid" }
}
