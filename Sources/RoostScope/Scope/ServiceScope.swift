import Logging
import ServiceLifecycle
import Synchronization

/// A root scope: the place where services start, and the one that stops them all, in
/// dependency order, when its body ends.
///
/// Run a body directly:
///
/// ```swift
/// let answer = try await ServiceScope.run("app") { scope in
///     let db = try await scope.service("db") { ctx in
///         try ctx.register(Database())
///         try await ctx.noMoreDependents()
///     }
///     return try await db.answer()
/// }
/// ```
///
/// or hand a `ServiceScope` to a `ServiceGroup` (or a Hummingbird application's
/// services): on graceful shutdown (SIGTERM) its body is cancelled, then every service
/// stops once its last user is gone, top-down.
///
/// ```swift
/// let root = ServiceScope("app") { scope in
///     let db = try await scope.service("db", makeDatabase)
///     try await serve(db)
/// }
/// let group = ServiceGroup(services: [root], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public struct ServiceScope: Service {
    /// The root scope's name.
    public let name: String
    let clock: ScopeClock
    let logger: Logger
    let body: @Sendable (Scope) async throws -> Void

    /// Creates a root scope that runs `body` as a `Service`.
    ///
    /// - Parameters:
    ///   - name: The root scope's name, used in logs and the graph.
    ///   - clock: The clock for keep-alive periods; inject a test clock in tests.
    ///   - logger: The logger every scope derives its logger from.
    ///   - body: The main code. Graceful shutdown cancels it; returning ends the service.
    public init<C: Clock>(
        _ name: String, clock: C = ContinuousClock(), logger: Logger = Logger(label: "roost.scope"),
        body: @escaping @Sendable (Scope) async throws -> Void
    ) where C.Duration == Duration {
        self.name = name
        self.clock = ScopeClock(clock)
        self.logger = logger
        self.body = body
    }

    /// Runs the body until it returns or a graceful shutdown cancels it, then tears all
    /// services down in dependency order. A graceful shutdown is a clean end.
    public func run() async throws {
        let body = self.body
        do {
            try await Self.run(name, clock: clock, logger: logger) { scope in
                try await cancelWhenGracefulShutdown { try await body(scope) }
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            logger.debug("stopped by graceful shutdown", metadata: ["scope": "\(name)"])
        }
    }

    /// Runs `body` in a new root scope and returns its result once every service it (or
    /// anything it started) used has stopped.
    ///
    /// When the body ends, cleanly or by error, the tasks it spawned are cancelled, then its
    /// services are released: each stops when its last user is gone. A service failing
    /// after it registered fails the root: the body is cancelled and this throws the
    /// service's error.
    ///
    /// - Parameters:
    ///   - name: The root scope's name, used in logs and the graph.
    ///   - clock: The clock for keep-alive periods.
    ///   - logger: The logger every scope derives its logger from.
    ///   - body: The main code.
    /// - Throws: The body's error unchanged; a service's error after it registered;
    ///   ``ScopeDied`` if a service the body used ended; ``ScopeFailures`` if several
    ///   errors happened.
    public static func run<R: Sendable, C: Clock>(
        _ name: String = "main", clock: C = ContinuousClock(), logger: Logger = Logger(label: "roost.scope"),
        _ body: @Sendable (Scope) async throws -> R
    ) async throws -> R where C.Duration == Duration {
        try await run(name, clock: ScopeClock(clock), logger: logger, body)
    }

    static func run<R: Sendable>(
        _ name: String, clock: ScopeClock, logger: Logger, _ body: @Sendable (Scope) async throws -> R
    ) async throws -> R {
        let registry = ScopeRegistry(rootName: name, logger: logger, clock: clock)
        let main = registry.makeMain()
        let outcome = RootOutcome<R>()
        await withoutActuallyEscaping(body) { body in
            await withDiscardingTaskGroup { group in
                group.addTask {
                    let result = await main.runBody { try await body(main) }
                    let reason = registry.withState { state in state.blockEnded(main.id, registry: registry) }
                    outcome.slot.withLock { $0 = (result, reason) }
                }
                while let job = await registry.launcher.next() {
                    if case .start(let launch) = job {
                        group.addTask { await launch() }
                    }
                }
            }
        }
        let rootErrors = registry.withState { state in state.rootErrors }
        guard let (result, reason) = outcome.slot.withLock({ $0 }) else {
            preconditionFailure("the root body always reports its outcome before the group ends")
        }
        var errors: [any Error] = []
        do {
            let value = try Scope.outcome(of: result, scope: name, reason: reason)
            if rootErrors.isEmpty { return value }
        } catch is CancellationError where reason != nil && !rootErrors.isEmpty {
            // Cancelled by the registry because a service failed: that failure is reported.
        } catch {
            errors.append(error)
        }
        errors += rootErrors
        if errors.count == 1 { throw errors[0] }
        throw ScopeFailures(errors: errors)
    }
}

/// Carries the root body's outcome out of its child task.
private final class RootOutcome<R: Sendable>: Sendable {
    let slot = Mutex<(Result<R, any Error>, CancelReason?)?>(nil)
}
