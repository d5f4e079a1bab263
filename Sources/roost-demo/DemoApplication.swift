import Hummingbird
import Logging
import RoostConfig
import RoostCore
import RoostHTTP

/// The Roost demo service: built from Roost's modules, on embedded defaults.
enum DemoApplication {
    /// The service name reported by `/health` and in logs.
    static let name = "roost-demo"
    /// The demo's version.
    static let version = "0.1.0"

    /// Builds the router: Roost's default middleware stack (request ids, timestamps,
    /// access log, errors in the envelope, timeout, body limit) and the health endpoint.
    static func buildRouter(http: HTTPSettings) throws -> Router<BasicRoostRequestContext> {
        let router = Router(context: BasicRoostRequestContext.self)
        router.addRoostMiddleware(
            RoostMiddlewareOptions(
                requestTimeout: .milliseconds(Int64(http.requestTimeoutSeconds * 1000)),
                maxBodyBytes: http.maxBodyBytes, accessLog: http.accessLog, debug: http.debug,
                clientIP: try ClientIPResolver(trustedProxies: http.trustedProxies)))
        router.addHealthRoute(service: name, version: version)
        router.addMethodNotAllowedResponses()
        return router
    }

    /// Builds the application listening where `http` says.
    static func build(http: HTTPSettings, logger: Logger) throws -> some ApplicationProtocol {
        Application(
            router: try buildRouter(http: http),
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: name),
            logger: logger)
    }
}
