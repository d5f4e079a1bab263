import RoostCore

/// A failure of the connection itself rather than of one statement: the address could
/// not be reached, the configuration is invalid, authentication could not proceed, or
/// the server closed the connection.
///
/// ```swift
/// catch let error as MySQLConnectionError where error.kind == .closed { reconnect() }
/// ```
public struct MySQLConnectionError: RoostError {
    /// The kind of connection failure.
    public enum Kind: String, Sendable, Equatable {
        /// The configuration (for example its URL) is invalid.
        case invalidConfiguration
        /// The TCP connection could not be established.
        case connectFailed
        /// The authentication exchange could not be completed by this client.
        case authentication
        /// The server did not answer in time.
        case timeout
        /// TLS could not be set up: the server does not offer it although it is required,
        /// or the TLS handshake failed (an untrusted or mismatching certificate, for example).
        case tls
        /// The connection was closed (by the server, the network or ``MySQLConnection/close()``)
        /// before the command finished, or a command was sent on a closed connection.
        case closed
    }

    /// The kind of connection failure.
    public var kind: Kind
    /// Details for the person fixing the problem.
    public var detail: String
    /// The cause, if any.
    public var underlying: (any Error)?

    /// Whether the command may have reached the server. `false` when the connection was
    /// already closed before the command was written: running it on another connection
    /// cannot run it twice, which is why the pool's one-statement calls retry exactly then.
    public var commandSent = true

    /// Creates a connection error.
    public init(_ kind: Kind, _ detail: String, underlying: (any Error)? = nil) {
        self.kind = kind
        self.detail = detail
        self.underlying = underlying
    }

    /// A `.closed` error for a command that was never written.
    static func notSent(_ detail: String, underlying: (any Error)?) -> MySQLConnectionError {
        var error = MySQLConnectionError(.closed, detail, underlying: underlying)
        error.commandSent = false
        return error
    }

    /// `mysql.connection.failed`, `.timeout`, `.tls_failed` or `.closed`, `mysql.configuration.invalid` or
    /// `mysql.auth.failed`.
    public var code: ErrorCode {
        switch kind {
        case .invalidConfiguration: return "mysql.configuration.invalid"
        case .connectFailed: return "mysql.connection.failed"
        case .authentication: return "mysql.auth.failed"
        case .timeout: return "mysql.connection.timeout"
        case .tls: return "mysql.connection.tls_failed"
        case .closed: return "mysql.connection.closed"
        }
    }

    /// What went wrong and what to do.
    public var message: String {
        switch kind {
        case .invalidConfiguration:
            return "Invalid MySQL configuration: \(detail)."
        case .connectFailed:
            return "Could not connect to the MySQL server: \(detail). Check host, port and that the server is running."
        case .authentication:
            return "MySQL authentication could not be completed: \(detail)."
        case .timeout:
            return "The MySQL server did not answer in time: \(detail). Check that the address points at a healthy MySQL or MariaDB server."
        case .tls:
            return "TLS to the MySQL server could not be set up: \(detail)."
        case .closed:
            return commandSent
                ? "The MySQL connection is closed: \(detail). Open a new connection; the statement may or may not have run."
                : "The MySQL connection is closed: \(detail). The statement was not sent; run it on another connection."
        }
    }
}
