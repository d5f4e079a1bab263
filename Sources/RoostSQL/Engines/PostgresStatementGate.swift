import Logging
import NIOCore
import PostgresKit
import SQLKit

/// The SQLKit view of one pooled PostgreSQL connection, which sends each statement only
/// while the connection is open.
///
/// postgres-nio writes a statement into its channel without a write promise. When the
/// channel has closed in the meantime (the server ended the session just after the pool
/// handed the connection out), the write fails unseen and the statement's future never
/// completes: the caller would wait forever. So each statement is issued on the
/// connection's event loop, right after checking that the channel is still active: from
/// there to postgres-nio's write nothing suspends, so the channel cannot close in
/// between. A statement on a closed connection fails at once as never sent.
struct PostgresStatementGate: SQLDatabase {
    let base: any SQLDatabase
    let connection: PostgresConnection

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let (base, connection) = (self.base, self.connection)
        return connection.eventLoop.flatSubmit {
            guard !connection.isClosed else {
                return connection.eventLoop.makeFailedFuture(
                    DatabaseError(
                        .connectionFailed,
                        "The PostgreSQL connection closed before the statement was sent, so nothing ran; run it again, and the pool opens a new connection."
                    ))
            }
            // postgres-kit's future API reaches postgres-nio's write without suspending.
            return base.execute(sql: query, onRow)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}
