import NIOCore
import SQLKit
import Synchronization

/// An open transaction on one connection, handed to the body of
/// ``DatabaseClient/withTransaction(_:)``.
///
/// It offers the same operations as the client (``DatabaseExecutor``) and ``sql``; while
/// the body runs, the client's own operations in the same task also run inside this
/// transaction. ``savepoint(_:)`` nests a part that can roll back alone.
///
/// ```swift
/// try await db.withTransaction { tx in
///     let orderID = try await tx.insert(into: "orders", order)
///     try await tx.savepoint { tx in
///         try await tx.insert(into: "coupons_used", CouponUse(order: orderID, code: code))
///     }  // a failing coupon rolls back only the savepoint
/// }
/// ```
public final class DatabaseTransaction: DatabaseExecutor {
    /// The client this transaction belongs to.
    public let client: DatabaseClient
    let connection: PooledConnection
    private let state = Mutex(State())

    private struct State {
        var isOpen = true
        var savepoints = 0
    }

    init(client: DatabaseClient, connection: PooledConnection) {
        self.client = client
        self.connection = connection
    }

    /// The engine behind the transaction.
    public var engine: DatabaseURL.Engine { client.engine }

    /// SQLKit's query builder on the transaction's connection.
    public var sql: any SQLDatabase { GuardedSQLDatabase(client: client, target: .transaction(self)) }

    /// Runs `body` inside a savepoint: when it throws or the task is cancelled, only its
    /// changes roll back and the transaction goes on; the error is rethrown.
    public func savepoint<R>(_ body: (DatabaseTransaction) async throws -> R) async throws -> R {
        let name = state.withLock { state in
            state.savepoints += 1
            return "roost_savepoint_\(state.savepoints)"
        }
        try await control("SAVEPOINT \(name)")
        let result: R
        do {
            result = try await body(self)
            try Task.checkCancellation()
        } catch {
            try await control("ROLLBACK TO SAVEPOINT \(name)")
            try await control("RELEASE SAVEPOINT \(name)")
            throw error
        }
        try await control("RELEASE SAVEPOINT \(name)")
        return result
    }

    /// The connection, or an error once the transaction has ended.
    func openConnection() throws -> any SQLDatabase {
        guard state.withLock(\.isOpen) else {
            throw DatabaseError(
                .closed, "This transaction has already ended; use the transaction only inside its withTransaction body.")
        }
        return connection.sql
    }

    /// Marks the transaction ended; later use throws.
    func end() { state.withLock { $0.isOpen = false } }

    /// Runs a transaction-control statement directly on the connection. It goes through
    /// the future-based API, which a cancelled task does not interrupt: a rollback after
    /// cancellation must still reach the engine.
    func control(_ statement: String) async throws {
        let done: EventLoopFuture<Void> = connection.sql.execute(sql: SQLRaw(statement)) { _ in }
        do {
            try await done.get()
        } catch {
            throw DatabaseError.translating(error, engine: engine)
        }
    }
}

extension DatabaseTransaction {
    /// The open transactions of the current task, by client.
    @TaskLocal static var active: [ObjectIdentifier: DatabaseTransaction] = [:]

    /// The current task's open transaction on `client`, if any.
    static func current(for client: DatabaseClient) -> DatabaseTransaction? {
        active[ObjectIdentifier(client)]
    }
}
