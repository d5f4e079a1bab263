/// A stable, machine-readable identifier for a kind of failure, such as
/// `redis.pool.timeout` or `config.invalid`.
///
/// Codes never change once published: callers match on them, log them and map them to
/// HTTP responses. Messages may be reworded; codes may not.
///
/// ```swift
/// let code: ErrorCode = "redis.pool.timeout"
/// ```
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The dotted code, for example `mysql.auth.failed`.
    public let rawValue: String

    /// Creates a code from its dotted form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a code from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The dotted code.
    public var description: String { rawValue }
}

/// The protocol every error thrown by Roost conforms to.
///
/// A Roost error carries a stable ``code``, a ``message`` written for the person who has
/// to fix the problem (what happened and what to do), and the ``underlying`` error that
/// caused it, if any. Nothing is swallowed: wrapping keeps the cause.
///
/// ```swift
/// struct PoolExhausted: RoostError {
///     var code: ErrorCode { "pool.exhausted" }
///     var message: String { "No connection became free within 5s; raise maxConnections or the wait timeout." }
/// }
/// ```
public protocol RoostError: Error, CustomStringConvertible, Sendable {
    /// The stable code of this kind of failure.
    var code: ErrorCode { get }
    /// What went wrong and what to do about it.
    var message: String { get }
    /// The error that caused this one, if any.
    var underlying: (any Error)? { get }
}

extension RoostError {
    /// No underlying error by default.
    public var underlying: (any Error)? { nil }

    /// `[code] message`, followed by the cause when there is one.
    public var description: String {
        var text = "[\(code)] \(message)"
        if let underlying { text += " (caused by: \(String(describing: underlying)))" }
        return text
    }
}
