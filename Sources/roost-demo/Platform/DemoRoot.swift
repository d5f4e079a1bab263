import Logging
import RoostScope
import ServiceLifecycle

/// The demo's root ``ServiceScope``, run by the process's `ServiceGroup`: SIGTERM or
/// SIGINT ends the root's body, and the scope then stops every part in dependency order —
/// the HTTP server first (it finishes the requests in flight), the database last — each
/// with a graceful shutdown of its own (see ``DemoScope``).
enum DemoRoot {
    static func scope(settings: DemoSettings, logger: Logger) -> ServiceScope {
        ServiceScope(DemoApplication.name, logger: logger) { scope in
            let parts = try await DemoScope.start(in: scope, settings: settings, logger: logger)
            logger.info(
                "roost-demo started",
                metadata: [
                    "database": "\(parts.database.url)", "coordination": "\(parts.coordination.backend)",
                    "instance": "\(parts.instance)",
                ])
            logger.debug("services:\n\(scope.graph.text)")
            try? await gracefulShutdown()
            logger.info("roost-demo stopping")
        }
    }
}
