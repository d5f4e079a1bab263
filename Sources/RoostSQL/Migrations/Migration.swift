import Foundation
import SQLKit

/// One versioned change to a database schema or its data.
///
/// Versions order the migrations and identify them in the `roost_migrations` table, so
/// a version, once released, must never be reused for something else.
///
/// ```swift
/// let migrations = [
///     Migration(1, "create users", sql: """
///         CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)
///         """),
///     Migration(2, "backfill names") { tx in
///         try await tx.update("users", set: ["name": "unknown"], where: "name = ''")
///     },
/// ]
/// ```
public struct Migration: Sendable {
    /// The position of the migration; applied in ascending order.
    public let version: Int
    /// A short description, recorded with the version.
    public let name: String
    let apply: @Sendable (DatabaseTransaction) async throws -> Void

    /// A migration that runs `apply` inside the migrating transaction.
    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (DatabaseTransaction) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// A migration that runs SQL statements in order.
    public init(_ version: Int, _ name: String, sql statements: String...) {
        self.init(version, name) { transaction in
            for statement in statements {
                try await transaction.execute(SQLQueryString(statement))
            }
        }
    }
}

/// Whether one migration has been applied.
public struct MigrationStatus: Sendable, Hashable, CustomStringConvertible {
    /// The migration's version.
    public let version: Int
    /// The migration's name (as recorded, for applied ones).
    public let name: String
    /// When it was applied; nil while pending.
    public let appliedAt: Date?
    /// Whether the database has it without this program knowing it (a newer release
    /// migrated the database).
    public let isUnknown: Bool

    /// Whether it has been applied.
    public var isApplied: Bool { appliedAt != nil }

    /// `applied  3 add orders (2026-01-02T03:04:05Z)` or `pending  4 add refunds`.
    public var description: String {
        let state = isUnknown ? "unknown" : (isApplied ? "applied" : "pending")
        var text = "\(state) \(version) \(name)"
        if let appliedAt { text += " (\(appliedAt.formatted(.iso8601)))" }
        return text
    }
}
