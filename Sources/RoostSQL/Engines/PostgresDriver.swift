import Logging
import NIOCore
import NIOPosix
import PostgresKit
import RoostPoolSupport
import SQLKit
import Synchronization
import _ConnectionPoolModule

extension DatabaseClient {
    /// A driver for a PostgreSQL server, after one connection proved that the server
    /// accepts the URL's credentials and database (so a bad URL fails at once with the
    /// server's reason instead of after the pool's retries).
    static func postgresDriver(
        _ server: DatabaseURL.ServerAddress, tls: DatabaseOptions.TLSMode, configuration: Configuration, readOnly: Bool,
        logger: Logger
    ) async throws -> any DatabaseDriver {
        var core = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username ?? "postgres", password: server.password,
            database: server.database, tls: try postgresTLS(tls))
        core.options.connectTimeout = configuration.connectTimeout.timeAmount
        if readOnly {
            // The server refuses writes too, as a second line behind the client's check.
            core.options.additionalStartupParameters.append(("default_transaction_read_only", "on"))
        }
        let probe = try await PostgresConnection.connect(configuration: core, id: 0, logger: logger)
        try await probe.close()
        return PostgresDriver(
            connection: core, address: "\(server.host):\(server.port)", configuration: configuration, logger: logger)
    }

    private static func postgresTLS(_ mode: DatabaseOptions.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            switch mode {
            case .disable:
                return .disable
            case .prefer:
                tls.certificateVerification = .none
                return .prefer(try NIOSSLContext(configuration: tls))
            case .require:
                tls.certificateVerification = .none
                return .require(try NIOSSLContext(configuration: tls))
            case .verifyCA:
                tls.certificateVerification = .noHostnameVerification
                return .require(try NIOSSLContext(configuration: tls))
            case .verifyFull:
                tls.certificateVerification = .fullVerification
                return .require(try NIOSSLContext(configuration: tls))
            }
        } catch {
            throw DatabaseError(
                .connectionFailed, "Could not set up TLS (\(mode.rawValue)) for PostgreSQL: \(error).", underlying: error)
        }
    }
}

/// A ``DatabaseDriver`` over a `_ConnectionPoolModule` pool of postgres-nio connections,
/// spread over the event loops, with ``ParkedLeases`` in front: a lease per statement
/// takes a returned connection under one lock.
///
/// The pool works only while its `run()` runs. The driver owns the task running it:
/// started when the driver is made, cancelled and awaited by ``shutdown()``, so no pool
/// work outlives the client.
final class PostgresDriver: DatabaseDriver {
    typealias Pool = ConnectionPool<
        PostgresConnection, Int, ConnectionIDGenerator, PoolLeaseRequest<PostgresConnection>, Int,
        PostgresKeepAlive, PoolObserver, ContinuousClock
    >

    let engine: DatabaseURL.Engine = .postgres
    let dialect: any SQLDialect = PostgresDialect()
    let eventLoop: any EventLoop
    let maxConnections: Int
    private let pool: Pool
    private let parked: ParkedLeases<PostgresConnection>
    private let poolTimeout: Duration
    private let address: String
    private let queryLogLevel: Logger.Level?
    private let connectFailure = LatestConnectFailure()
    private let runner: Task<Void, Never>

    init(connection: PostgresConnection.Configuration, address: String, configuration: DatabaseClient.Configuration, logger: Logger) {
        let maxConnections = configuration.maxConnections ?? 10
        self.maxConnections = maxConnections
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        self.poolTimeout = configuration.poolTimeout
        self.address = address
        self.queryLogLevel = configuration.queryLogLevel
        var poolConfiguration = ConnectionPoolConfiguration()
        poolConfiguration.minimumConnectionCount = min(configuration.minConnections ?? 0, maxConnections)
        poolConfiguration.maximumConnectionSoftLimit = maxConnections
        poolConfiguration.maximumConnectionHardLimit = maxConnections
        let observer = PoolObserver(
            system: "postgresql", name: "PostgreSQL", keepAlive: "SELECT 1", server: address, logger: logger,
            instrumentation: DriverInstrumentation())
        let parked = ParkedLeases<PostgresConnection>(observer: observer) { !$0.isClosed }
        let connectFailure = self.connectFailure
        let pool = Pool(
            configuration: poolConfiguration, idGenerator: ConnectionIDGenerator(),
            requestType: PoolLeaseRequest<PostgresConnection>.self, keepAliveBehavior: PostgresKeepAlive(),
            observabilityDelegate: observer, clock: ContinuousClock()
        ) { id, _ in
            do {
                let opened = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: connection, id: id, logger: logger)
                connectFailure.error.withLock { $0 = nil }
                return ConnectionAndMetadata(connection: opened, maximalStreamsOnConnection: 1)
            } catch {
                connectFailure.error.withLock { $0 = error }
                throw error
            }
        }
        self.pool = pool
        self.parked = parked
        self.runner = Task {
            await parked.run(pool: { await pool.run() }, forceShutdown: { pool.triggerForceShutdown() })
        }
    }

    func withConnection<R>(_ body: (PooledConnection) async throws -> R) async throws -> R {
        try await leasing { connection in
            let pooled = PooledConnection(sql: statementGate(on: connection)) { try? await connection.close() }
            return try await body(pooled)
        }
    }

    /// Runs `query` on a pooled connection and returns its rows (see
    /// ``PostgresStatementGate/rows(of:)``), with no ``PooledConnection`` in between.
    func rows(of statement: SerializedStatement) async throws -> [any SQLRow]? {
        try await leasing { connection in try await statementGate(on: connection).rows(of: statement) }
    }

    private func statementGate(on connection: PostgresConnection) -> PostgresStatementGate {
        PostgresStatementGate(base: connection.sql(queryLogLevel: queryLogLevel), connection: connection)
    }

    /// Runs `body` with a pooled connection, then gives it back, or retires it when `body`
    /// failed because the server ended it.
    private func leasing<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        let lease = try await lease()
        do {
            let result = try await body(lease.connection)
            parked.park(lease)
            return result
        } catch {
            // A connection the server ended may still look open for a moment: retire it,
            // so that the next caller is not handed it.
            if (DatabaseError.translating(error, engine: .postgres) as? DatabaseError)?.kind == .connectionFailed {
                await parked.retire(lease)
            } else {
                parked.park(lease)
            }
            throw error
        }
    }

    private func lease() async throws -> ConnectionLease<PostgresConnection> {
        let (pool, address, connectFailure) = (self.pool, self.address, self.connectFailure)
        return try await parked.lease(
            timeout: poolTimeout, submit: { pool.leaseConnection($0) }, cancel: { pool.cancelLeaseConnection($0) }
        ) { failure in
            switch failure {
            case .timeout:
                if let cause = connectFailure.error.withLock({ $0 }) {
                    return DatabaseError(
                        .connectionFailed,
                        "No PostgreSQL connection could be opened to \(address): \(String(reflecting: cause)); check that the server is up.",
                        underlying: cause)
                }
                return DatabaseError.poolTimeout(.postgres)
            case .shutdown:
                return DatabaseError.clientClosed()
            case .unavailable(let error):
                return DatabaseError(.connectionFailed, "The PostgreSQL pool at \(address) failed: \(error).", underlying: error)
            }
        }
    }

    func shutdown() async throws {
        runner.cancel()
        await runner.value
    }

    func shutdownInBackground() {
        // Cancelling the pool's task makes it close every connection; nobody is left to await it.
        runner.cancel()
    }
}

/// Why the latest attempt to open a connection failed, until one succeeds: a lease that
/// times out while the server cannot be reached says so, instead of blaming the pool's size.
final class LatestConnectFailure: Sendable {
    let error = Mutex<(any Error)?>(nil)
}

/// Pings an idle connection with `SELECT 1` every 30 seconds.
struct PostgresKeepAlive: ConnectionKeepAliveBehavior {
    var keepAliveFrequency: Duration? { .seconds(30) }

    func runKeepAlive(for connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT 1", logger: connection.logger).get()
    }
}
