import Foundation
import Hummingbird
import Logging
import RoostConfig
import RoostCore
import RoostHTTP
import RoostSQL

/// The Roost demo service: built from Roost's modules, on embedded defaults.
enum DemoApplication {
    /// The service name reported by `/health` and in logs.
    static let name = "roost-demo"
    /// The demo's version.
    static let version = "0.1.0"

    /// Builds the router: Roost's default middleware stack (request ids, timestamps,
    /// access log, errors in the envelope, timeout, body limit), the product catalog,
    /// `/health` (liveness: the process answers) and `/ready` (the database answers too).
    static func buildRouter(http: HTTPSettings, database: DatabaseClient) throws -> Router<BasicRoostRequestContext> {
        let router = Router(context: BasicRoostRequestContext.self)
        router.addRoostMiddleware(
            RoostMiddlewareOptions(
                requestTimeout: .milliseconds(Int64(http.requestTimeoutSeconds * 1000)),
                maxBodyBytes: http.maxBodyBytes, accessLog: http.accessLog, debug: http.debug,
                clientIP: try ClientIPResolver(trustedProxies: http.trustedProxies)))
        router.addHealthRoute("/health", service: name, version: version)
        router.addHealthRoute("/ready", service: name, version: version, checks: [database])
        Catalog.addRoutes(to: router, database: database)
        router.addMethodNotAllowedResponses()
        return router
    }

    /// Opens the database (creating the directory of a SQLite file) and applies the
    /// demo's migrations.
    static func openDatabase(_ settings: DatabaseSettings, logger: Logger) async throws -> DatabaseClient {
        let url = try DatabaseURL(settings.url)
        if case .sqliteFile(let path) = url.location {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let database = try await DatabaseClient.open(url, logger: logger)
        do {
            let applied = try await DatabaseMigrator(client: database, migrations: Catalog.migrations).migrate()
            if !applied.isEmpty { logger.info("applied migrations", metadata: ["versions": "\(applied)"]) }
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    /// Builds the application listening where `http` says; it owns the database client
    /// and closes it on shutdown.
    static func build(http: HTTPSettings, database: DatabaseClient, logger: Logger) throws -> some ApplicationProtocol {
        Application(
            router: try buildRouter(http: http, database: database),
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: name),
            services: [database],
            logger: logger)
    }
}
