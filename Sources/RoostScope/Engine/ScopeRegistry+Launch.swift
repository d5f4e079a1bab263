import ServiceContextModule

/// Starting a service's task.
///
/// A service's task starts right in the task of the caller that asked for it, and runs
/// there until it first suspends (`Task.immediate`): a service that registers at once is
/// ready before its caller would have waited, and a tree of services that start each
/// other builds depth-first on one thread, with no hand-off between threads per service.
/// Starting each service in the root's task group took three (to the root's task, to the
/// new task, back to the caller), and on two cores those hand-offs were most of the time
/// a tree of services took to start.
///
/// The task is not a child of the root's task group, so the registry keeps the structure
/// itself: the root returns only after every service has taken its last step (it counts
/// live services), and it cancels a service through its task's handle for
/// every reason it stops one: no users left, a failure at the root. Cancelling the task
/// that runs the root cancels the root body, and its services then stop top-down as
/// their users leave, as in any other teardown. The task takes the caller's task-local
/// values, as any task does, except the tracing context, which is the root's: a service
/// that a traced request happened to start first does not report its work in that
/// request's trace.
extension ScopeRegistry {
    /// How many services started one from the other may start inline, each on the stack
    /// of the one before; deeper ones start in a task of their own that runs later.
    static let maximumInlineStartDepth = 32

    /// Runs the service of `scope` (``runService(_:factory:)``, its whole life) in a task
    /// of its own: started at once on the current thread unless it is nested deeper than
    /// ``maximumInlineStartDepth``, else enqueued. Each task's operation is a closure
    /// literal of the exact type the task takes, so no conversion thunk is allocated
    /// around it.
    func launch<Value: Sendable>(
        _ scope: Scope, factory: @escaping @Sendable (RoostScope.ServiceContext<Value>) async throws -> Void
    ) -> Task<Void, Never> {
        if scope.node.startDepth <= Self.maximumInlineStartDepth, #available(macOS 26.0, iOS 26.0, tvOS 26.0, watchOS 26.0, visionOS 26.0, *) {
            Task.immediate { await self.runService(scope, factory: factory) }
        } else {
            Task { await self.runService(scope, factory: factory) }
        }
    }

    /// Runs `body`, a service's factory, with the root's tracing context. Without tracing
    /// (no context at the root, none here) nothing is bound, so the tasks the service
    /// starts in turn have no task-local value to copy.
    nonisolated(nonsending) func withRootServiceContext(_ body: () async throws -> Void) async throws {
        if rootServiceContext == nil && ServiceContextModule.ServiceContext.current == nil {
            try await body()
        } else {
            try await ServiceContextModule.ServiceContext.$current.withValue(rootServiceContext, operation: body)
        }
    }
}
