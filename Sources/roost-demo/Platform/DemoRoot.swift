import Logging
import RoostScope
import ServiceLifecycle

/// Runs the demo's root ``ServiceScope`` under the process's `ServiceGroup`, so that
/// SIGTERM and SIGINT stop every part in dependency order.
///
/// Services inside a scope inherit the graceful shutdown of the group service that runs
/// the scope, and would all see SIGTERM at once. So the group runs two services: the
/// ``ScopeHost`` of the root scope, and after it the ``ShutdownRelay``, which the group stops
/// first. The relay turns the signal into the end of the root scope's body, waits until
/// the scope has stopped its services (each with its own graceful shutdown, in order,
/// see ``DemoScope``), and only then lets the group go on to the host.
///
/// ```swift
/// let root = DemoRoot(settings: settings, logger: logger)
/// try await ServiceGroup(
///     configuration: .init(services: root.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// ).run()
/// ```
struct DemoRoot: Sendable {
    let settings: DemoSettings
    let logger: Logger
    private let stopRequested = OneTimeSignal()
    private let scopeEnded = OneTimeSignal()

    init(settings: DemoSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// The services to run in the process's group, in this order.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        [.init(service: ScopeHost(root: self)), .init(service: ShutdownRelay(root: self))]
    }

    /// Runs the root scope: starts the demo and waits for the relay's stop request; once
    /// the scope has stopped every service, waits for the group to stop it.
    struct ScopeHost: Service {
        let root: DemoRoot

        func run() async throws {
            let root = self.root
            do {
                try await ServiceScope.run(DemoApplication.name, logger: root.logger) { scope in
                    let parts = try await DemoScope.start(in: scope, settings: root.settings, logger: root.logger)
                    root.logger.info(
                        "roost-demo started",
                        metadata: [
                            "database": "\(parts.database.url)", "coordination": "\(parts.coordination.backend)",
                            "instance": "\(parts.instance)",
                        ])
                    root.logger.debug("services:\n\(scope.graph.text)")
                    await root.stopRequested.wait()
                    try Task.checkCancellation()
                    root.logger.info("roost-demo stopping")
                }
            } catch {
                root.scopeEnded.fire()
                throw error
            }
            root.scopeEnded.fire()
            root.logger.info("roost-demo stopped")
            // The group stops this service after the relay: wait for that turn, so that
            // ending here is not an unexpected end.
            try? await gracefulShutdown()
        }
    }

    /// Stopped first by the group: ends the root scope's body and waits for its services.
    struct ShutdownRelay: Service {
        let root: DemoRoot

        func run() async throws {
            try? await gracefulShutdown()
            root.stopRequested.fire()
            await root.scopeEnded.wait()
        }
    }
}

/// Fires once; one task waits for it (and stops waiting when cancelled).
final class OneTimeSignal: Sendable {
    private let stream: AsyncStream<Never>
    private let continuation: AsyncStream<Never>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Never.self)
    }

    /// Wakes the waiter, now or when it starts waiting.
    func fire() { continuation.finish() }

    /// Returns once ``fire()`` was called, or when the task is cancelled.
    func wait() async {
        for await _ in stream {}
    }
}
