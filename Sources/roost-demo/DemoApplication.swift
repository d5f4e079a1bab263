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

    /// Builds the router: request ids on every response, errors in the envelope, the
    /// health endpoint.
    static func buildRouter() -> Router<BasicRoostRequestContext> {
        let router = Router(context: BasicRoostRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.addHealthRoute(service: name, version: version)
        return router
    }

    /// Builds the application listening where `http` says.
    static func build(http: HTTPSettings, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: name),
            logger: logger)
    }
}
