import RoostCore

/// A statement was run with a number of binds that does not match its `?` placeholders.
///
/// ```swift
/// catch let error as MySQLStatementError { logger.error("\(error.message)") }
/// ```
public struct MySQLStatementError: RoostError {
    /// The statement's SQL.
    public var sql: String
    /// The number of `?` placeholders the server found.
    public var placeholders: Int
    /// The number of values bound.
    public var binds: Int

    /// Creates a statement error.
    public init(sql: String, placeholders: Int, binds: Int) {
        self.sql = sql
        self.placeholders = placeholders
        self.binds = binds
    }

    /// `mysql.statement.bindCount`.
    public var code: ErrorCode { "mysql.statement.bindCount" }

    /// What went wrong and what to do.
    public var message: String {
        let text = sql.count > 120 ? String(sql.prefix(120)) + "…" : sql
        return "The statement has \(placeholders) placeholder(s) but \(binds) value(s) were bound: \(text). Pass one bind per '?'."
    }
}
