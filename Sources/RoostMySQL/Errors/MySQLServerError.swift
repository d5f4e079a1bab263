import RoostCore

/// An error the MySQL server reported in an ERR packet.
///
/// It carries the server's numeric error code, the five-character SQLSTATE and the
/// server's own message. Bad SQL, constraint violations and failed logins all arrive
/// this way; the connection stays usable after most of them.
///
/// ```swift
/// do { try await connection.query("SELEC 1") }
/// catch let error as MySQLServerError {
///     print(error.errorCode, error.sqlState)   // 1064 42000
/// }
/// ```
public struct MySQLServerError: RoostError, Equatable {
    /// The server's numeric error code, such as 1045 (access denied) or 1064 (syntax error).
    public var errorCode: UInt16
    /// The five-character SQLSTATE, such as `42000`; `HY000` when the server sent none.
    public var sqlState: String
    /// The message written by the server.
    public var serverMessage: String

    /// Creates a server error.
    public init(errorCode: UInt16, sqlState: String, serverMessage: String) {
        self.errorCode = errorCode
        self.sqlState = sqlState
        self.serverMessage = serverMessage
    }

    /// `mysql.server.error`; the server's own code is ``errorCode``.
    public var code: ErrorCode { "mysql.server.error" }

    /// The server's message with its code and SQLSTATE.
    public var message: String {
        "MySQL server error \(errorCode) (SQLSTATE \(sqlState)): \(serverMessage)"
    }

    /// Whether this is an access-denied error (1045), usually a wrong user name or password.
    public var isAccessDenied: Bool { errorCode == 1045 }
}
