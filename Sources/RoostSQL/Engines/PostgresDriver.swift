import AsyncKit
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

extension DatabaseClient {
    /// A driver for a PostgreSQL server.
    static func postgresDriver(
        _ server: DatabaseURL.ServerAddress, tls: DatabaseOptions.TLSMode, configuration: Configuration, readOnly: Bool,
        logger: Logger
    ) throws -> any DatabaseDriver {
        var core = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username ?? "postgres", password: server.password,
            database: server.database, tls: try postgresTLS(tls))
        core.options.connectTimeout = configuration.connectTimeout.timeAmount
        if readOnly {
            // The server refuses writes too, as a second line behind the client's check.
            core.options.additionalStartupParameters.append(("default_transaction_read_only", "on"))
        }
        let source = PostgresConnectionSource(sqlConfiguration: SQLPostgresConfiguration(coreConfiguration: core))
        return PooledDriver(
            engine: .postgres, dialect: PostgresDialect(), source: source,
            maxConnections: configuration.maxConnections ?? 10, requestTimeout: configuration.poolTimeout.timeAmount,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger,
            makeSQL: { PostgresStatementGate(base: $0.sql(queryLogLevel: configuration.queryLogLevel), connection: $0) })
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
