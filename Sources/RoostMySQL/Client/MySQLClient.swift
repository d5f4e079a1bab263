import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A MySQL client with read/write split: one primary pool for writes and transactions,
/// and optional replica pools that share the reads round-robin.
///
/// ``query(_:_:)`` and ``withTransaction(_:)`` always use the primary; ``read(_:_:)``
/// and ``withReadConnection(_:)`` use the next replica (the primary when there is none).
/// Inside ``withTransaction(_:)`` every call on the same client, reads included, joins the
/// transaction's connection, so nested helpers see the transaction's own writes.
///
/// Mark replica configurations ``MySQLConfiguration/readOnly`` so a write sent down the
/// read path fails (server error 1792) instead of silently diverging the replica.
///
/// ```swift
/// var replica = try MySQLConfiguration(url: "mysql://app:secret@replica-1/shop")
/// replica.readOnly = true
/// let client = MySQLClient(
///     primary: MySQLPoolConfiguration(connection: try MySQLConfiguration(url: "mysql://app:secret@primary/shop")),
///     replicas: [MySQLPoolConfiguration(connection: replica)])
/// // run `client` in a ServiceGroup, then:
/// let user = try await client.read("SELECT name FROM users WHERE id = ?", [42])
/// try await client.withTransaction { connection in
///     try await connection.query("UPDATE users SET name = ? WHERE id = ?", ["Ada", 42])
/// }
/// ```
public final class MySQLClient: Service {
    /// The pool that takes writes and transactions.
    public let primary: MySQLConnectionPool
    /// The pools that share reads.
    public let replicas: [MySQLConnectionPool]
    private let nextReplica = Atomic<Int>(0)

    /// The transaction connection of the innermost ``withTransaction(_:)`` of each client.
    @TaskLocal static var transactions: [ObjectIdentifier: MySQLConnection] = [:]

    /// Creates a client; no connection opens before ``run()`` starts.
    public init(
        primary: MySQLPoolConfiguration, replicas: [MySQLPoolConfiguration] = [],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.mysql")
    ) {
        self.primary = MySQLConnectionPool(configuration: primary, eventLoopGroup: eventLoopGroup, logger: logger)
        self.replicas = replicas.map {
            MySQLConnectionPool(configuration: $0, eventLoopGroup: eventLoopGroup, logger: logger)
        }
    }

    /// Runs every pool until the task is cancelled or the service group shuts down.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pool in [primary] + replicas {
                group.addTask { try await pool.run() }
            }
            try await group.waitForAll()
        }
    }

    /// The pool the next read goes to: the replicas in turn, or the primary.
    var readPool: MySQLConnectionPool {
        guard !replicas.isEmpty else { return primary }
        return replicas[nextReplica.wrappingAdd(1, ordering: .relaxed).oldValue % replicas.count]
    }

    private var transactionConnection: MySQLConnection? { Self.transactions[ObjectIdentifier(self)] }

    /// Runs a statement on the primary (or in the surrounding transaction).
    @discardableResult
    public func query(_ sql: String, _ binds: [any MySQLEncodable] = []) async throws -> MySQLQueryResult {
        if let connection = transactionConnection { return try await connection.query(sql, binds) }
        return try await primary.query(sql, binds)
    }

    /// Runs a read on the next replica (or in the surrounding transaction).
    @discardableResult
    public func read(_ sql: String, _ binds: [any MySQLEncodable] = []) async throws -> MySQLQueryResult {
        if let connection = transactionConnection { return try await connection.query(sql, binds) }
        return try await readPool.query(sql, binds)
    }

    /// Leases a primary connection (or reuses the surrounding transaction's).
    public func withConnection<Value: Sendable>(_ body: (MySQLConnection) async throws -> Value) async throws -> Value {
        if let connection = transactionConnection { return try await body(connection) }
        return try await primary.withConnection(body)
    }

    /// Leases a replica connection for several reads (or reuses the surrounding
    /// transaction's connection).
    public func withReadConnection<Value: Sendable>(_ body: (MySQLConnection) async throws -> Value) async throws -> Value {
        if let connection = transactionConnection { return try await body(connection) }
        return try await readPool.withConnection(body)
    }

    /// Runs `body` in a transaction on the primary: commit on return, rollback on throw
    /// or cancellation (see ``MySQLConnectionPool/withTransaction(leaseTimeout:_:)``).
    ///
    /// Calls on this client inside `body`, at any depth, run in the same transaction; a
    /// nested `withTransaction` joins it rather than opening another. Pass
    /// `independent: true` for work that must commit on its own, on another connection.
    public func withTransaction<Value: Sendable>(
        independent: Bool = false, _ body: (MySQLConnection) async throws -> Value
    ) async throws -> Value {
        if !independent, let connection = transactionConnection { return try await body(connection) }
        return try await primary.withTransaction { connection in
            var transactions = Self.transactions
            transactions[ObjectIdentifier(self)] = connection
            return try await Self.$transactions.withValue(transactions) { try await body(connection) }
        }
    }
}
