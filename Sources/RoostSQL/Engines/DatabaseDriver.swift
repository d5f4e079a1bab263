import NIOCore
import SQLKit

/// One connection borrowed from a pool for the length of a closure.
struct PooledConnection: Sendable {
    /// The connection as a SQLKit database.
    let sql: any SQLDatabase
    /// Closes the connection so the pool never hands it out again; used when its
    /// state is unknown (a failed rollback).
    let discard: @Sendable () async -> Void
}

/// What ``DatabaseClient`` needs from an engine: a pool of connections and a dialect.
protocol DatabaseDriver: Sendable {
    /// The engine this driver talks to.
    var engine: DatabaseURL.Engine { get }
    /// The engine's SQL dialect.
    var dialect: any SQLDialect { get }
    /// The event loop that futures of the client complete on.
    var eventLoop: any EventLoop { get }
    /// The most connections the pool opens.
    var maxConnections: Int { get }
    /// Runs `body` with one connection borrowed from the pool; failing to borrow one
    /// throws a ``DatabaseError``, errors from `body` pass through unchanged.
    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R
    /// The rows of `statement` run on a pooled connection, when the driver hands them
    /// over at once; nil when the statement should run through the connection's SQLKit
    /// database instead (see ``withConnection(_:)``).
    func rows(of statement: SerializedStatement) async throws -> [any SQLRow]?
    /// Closes every connection; later borrows fail with ``DatabaseError/Kind/closed``.
    func shutdown() async throws
    /// Starts closing every connection without waiting, for a client released unclosed.
    func shutdownInBackground()
}

extension DatabaseDriver {
    func rows(of statement: SerializedStatement) async throws -> [any SQLRow]? { nil }
}
