import Foundation
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
        let (base, connection, logger) = (self.base, self.connection, self.logger)
        let (serialized, native) = prepare(query)
        return connection.eventLoop.flatSubmit {
            guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(Self.closedBeforeSending) }
            // Both future APIs reach postgres-nio's write without suspending.
            guard let native else { return base.execute(sql: serialized, onRow) }
            return connection.query(native, logger: logger).map { result in
                for row in result.rows { onRow(PostgresFastRow(row)) }
            }
        }
    }

    /// `query` serialized once, and as a statement for postgres-nio's own API when
    /// postgres-nio encodes every bind itself, exactly as postgres-kit would; `native` is
    /// nil otherwise (a `nil`, an array, a JSON value), and postgres-kit encodes the binds.
    private func prepare(_ query: any SQLExpression) -> (serialized: SerializedStatement, native: PostgresQuery?) {
        let serialized = SerializedStatement(query, on: base)
        let (sql, binds) = (serialized.sql, serialized.binds)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            // The commonest types skip the protocol lookup, a search of the runtime's
            // conformance table on every call.
            switch bind {
            case let value as Int64: bindings.append(value)
            case let value as Int: bindings.append(value)
            case let value as String: bindings.append(value)
            case let value as any PostgresThrowingDynamicTypeEncodable:
                guard (try? bindings.append(value)) != nil else { return (serialized, nil) }
            default:
                return (serialized, nil)
            }
        }
        if let level = queryLogLevel {
            logger.log(
                level: level, "Executing query",
                metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        }
        return (serialized, PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// The rows of `query`, read at once through postgres-nio when it encodes every bind
    /// itself (no row callback, no hop to the event loop first), else gathered from
    /// postgres-kit's row callback.
    func rows(of query: any SQLExpression) async throws -> [any SQLRow] {
        let (serialized, native) = prepare(query)
        guard !connection.isClosed else { throw Self.closedBeforeSending }
        guard let native else { return try await CollectedRows.rows(of: serialized, on: base) }
        return try await connection.query(native, logger: logger).get().rows.map { PostgresFastRow($0) }
    }

    private static let closedBeforeSending = DatabaseError(
        .connectionFailed,
        "The PostgreSQL connection closed before the statement was sent, so nothing ran; run it again, and the pool opens a new connection."
    )

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

/// A PostgreSQL row for SQLKit that decodes the common column types straight through
/// postgres-nio, and everything else (and every failure, so that errors stay the same)
/// through postgres-kit's row.
struct PostgresFastRow: SQLRow {
    let row: PostgresRow
    let columns: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.columns = row.makeRandomAccess()
    }

    var allColumns: [String] { columns.map(\.columnName) }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !columns.contains(column) || columns[column].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        if columns.contains(column) {
            let cell = columns[column]
            // The types postgres-kit also hands straight to postgres-nio, with none of its
            // workarounds; comparing types costs less than a conformance lookup, and the
            // bit casts are between equal types.
            if cell.bytes != nil {
                if T.self == Int64.self, let value = try? cell.decode(Int64.self) { return unsafeBitCast(value, to: T.self) }
                if T.self == Int.self, let value = try? cell.decode(Int.self) { return unsafeBitCast(value, to: T.self) }
                if T.self == Int32.self, let value = try? cell.decode(Int32.self) { return unsafeBitCast(value, to: T.self) }
                if T.self == String.self, let value = try? cell.decode(String.self) { return unsafeBitCast(value, to: T.self) }
                if T.self == Bool.self, let value = try? cell.decode(Bool.self) { return unsafeBitCast(value, to: T.self) }
                if T.self == UUID.self, let value = try? cell.decode(UUID.self) { return unsafeBitCast(value, to: T.self) }
            }
        }
        return try row.sql().decode(column: column, as: T.self)
    }
}
