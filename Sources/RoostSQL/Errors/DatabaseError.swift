import RoostCore

/// A failure talking to a database, with a stable ``code`` per ``Kind`` and, when the
/// engine reported it, the engine's own words in ``engineMessage``.
///
/// ```swift
/// do {
///     _ = try await db.insert(into: "users", User(email: "a@example.com"))
/// } catch let error as DatabaseError where error.kind == .constraintViolation {
///     // a user with this email exists; error.engineMessage says which constraint
/// }
/// ```
public struct DatabaseError: RoostError {
    /// What kind of failure this is; each kind has its own ``code``.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The server could not be reached or refused the login (`sql.connection.failed`).
        case connectionFailed = "sql.connection.failed"
        /// No pooled connection became free in time (`sql.pool.timeout`).
        case poolTimeout = "sql.pool.timeout"
        /// The client was closed (`sql.closed`).
        case closed = "sql.closed"
        /// A write was attempted on a read-only client (`sql.readonly`).
        case readOnly = "sql.readonly"
        /// A unique, foreign key, not-null or check constraint refused the change (`sql.constraint.violation`).
        case constraintViolation = "sql.constraint.violation"
        /// The engine refused or failed the statement (`sql.query.failed`).
        case queryFailed = "sql.query.failed"
        /// A row did not decode into the requested type (`sql.decoding.failed`).
        case decodingFailed = "sql.decoding.failed"
        /// A migration failed or the migration list is inconsistent (`sql.migration.failed`).
        case migrationFailed = "sql.migration.failed"
    }

    /// The kind of failure.
    public let kind: Kind
    /// What happened and what to do.
    public let message: String
    /// The engine's own message, when the engine reported the failure.
    public let engineMessage: String?
    /// The error that caused this one.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, engineMessage: String? = nil, underlying: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.engineMessage = engineMessage
        self.underlying = underlying
    }

    /// The stable code of ``kind``, such as `sql.constraint.violation`.
    public var code: ErrorCode { ErrorCode(rawValue: kind.rawValue) }

    /// No connection of `engine`'s pool became free within the pool timeout.
    static func poolTimeout(_ engine: DatabaseURL.Engine, underlying: (any Error)? = nil) -> DatabaseError {
        DatabaseError(
            .poolTimeout,
            "No \(engine.rawValue) connection became free in time; raise maxConnections or shorten transactions.",
            underlying: underlying)
    }

    /// The client was closed before the call.
    static func clientClosed(underlying: (any Error)? = nil) -> DatabaseError {
        DatabaseError(.closed, "The database client is closed; open a new one.", underlying: underlying)
    }
}
