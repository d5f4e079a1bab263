import Foundation
import Crypto
import SQLKit

/// How SQLKit writes SQL for MySQL and MariaDB: backtick identifiers, `?` placeholders,
/// `AUTO_INCREMENT`, booleans as `1`/`0` (`TINYINT(1)`), upserts as
/// `ON DUPLICATE KEY UPDATE`, no `RETURNING`.
///
/// ```swift
/// let sql = MySQLDialect()
/// // SELECT `name` FROM `users` WHERE `id` = ? LIMIT 1
/// ```
public struct MySQLDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    /// `mysql`.
    public var name: String { "mysql" }

    /// A backtick.
    public var identifierQuote: any SQLExpression { SQLRaw("`") }

    /// A single quote.
    public var literalStringQuote: any SQLExpression { SQLRaw("'") }

    /// `?`, whatever the position.
    public func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?") }

    /// `1` or `0`: MySQL's booleans are `TINYINT(1)`.
    public func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "1" : "0") }

    /// `DEFAULT`.
    public var literalDefault: any SQLExpression { SQLRaw("DEFAULT") }

    /// MySQL has `AUTO_INCREMENT` columns.
    public var supportsAutoIncrement: Bool { true }

    /// `AUTO_INCREMENT`.
    public var autoIncrementClause: any SQLExpression { SQLRaw("AUTO_INCREMENT") }

    /// `IF EXISTS` is understood.
    public var supportsIfExists: Bool { true }

    /// `ENUM('a','b')` inline in column definitions.
    public var enumSyntax: SQLEnumSyntax { .inline }

    /// `CASCADE`/`RESTRICT` on `DROP TABLE` are accepted.
    public var supportsDropBehavior: Bool { true }

    /// No `RETURNING`: read ``MySQLQueryResult/lastInsertID`` instead.
    public var supportsReturning: Bool { false }

    /// Triggers with a body, a definer, `FOR EACH ROW` and `FOLLOWS`/`PRECEDES`.
    public var triggerSyntax: SQLTriggerSyntax {
        SQLTriggerSyntax(create: [.supportsBody, .supportsDefiner, .requiresForEachRow, .supportsOrder], drop: [])
    }

    /// `MODIFY COLUMN`, one change per `ALTER TABLE`.
    public var alterTableSyntax: SQLAlterTableSyntax {
        SQLAlterTableSyntax(alterColumnDefinitionClause: SQLRaw("MODIFY COLUMN"), alterColumnDefinitionTypeKeyword: nil, allowsBatch: false)
    }

    /// `TEXT` becomes `VARCHAR(255)` (so it can be a key), `REAL` becomes `DOUBLE`, `BLOB`
    /// becomes `LONGBLOB` and timestamps `DATETIME(6)` (no time zone conversion, microseconds).
    public func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? {
        switch dataType {
        case .text: return SQLRaw("VARCHAR(255)")
        case .real: return SQLRaw("DOUBLE")
        case .blob: return SQLRaw("LONGBLOB")
        case .custom(let expression as SQLRaw) where expression.sql == "TIMESTAMP": return SQLRaw("DATETIME(6)")
        default: return nil
        }
    }

    /// Constraint names longer than MySQL's 64-character limit become `c_` and a SHA-256
    /// prefix of the name, so the same long name always maps to the same identifier.
    public func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression {
        guard let identifier = identifier as? SQLIdentifier, identifier.string.utf8.count > 64 else { return identifier }
        let digest = SHA256.hash(data: Array(identifier.string.utf8))
        let hex = digest.prefix(20).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return SQLIdentifier("c_" + hex.joined())
    }

    /// `INSERT … ON DUPLICATE KEY UPDATE`.
    public var upsertSyntax: SQLUpsertSyntax { .mysqlLike }

    /// `UNION [ALL]`, `INTERSECT`, `EXCEPT` (MariaDB 10.3+, MySQL 8.0.31+).
    public var unionFeatures: SQLUnionFeatures {
        [.union, .unionAll, .intersect, .except, .explicitDistinct, .parenthesizedSubqueries]
    }

    /// `LOCK IN SHARE MODE`.
    public var sharedSelectLockExpression: (any SQLExpression)? { SQLRaw("LOCK IN SHARE MODE") }

    /// `FOR UPDATE`.
    public var exclusiveSelectLockExpression: (any SQLExpression)? { SQLRaw("FOR UPDATE") }

    /// `JSON_EXTRACT(column, '$.a.b')`.
    public func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        guard !path.isEmpty else { return nil }
        let jsonPath = "$." + path.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ".")
        return SQLFunction("JSON_EXTRACT", args: column, SQLLiteral.string(jsonPath))
    }
}
