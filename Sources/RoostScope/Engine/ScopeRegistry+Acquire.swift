/// Starting and joining services.
extension ScopeRegistry {
    /// Uses the named service on behalf of `user`: joins it if it runs, otherwise starts it
    /// with `factory`; then waits until it has registered its value.
    nonisolated(nonsending) func acquire<Value: Sendable>(
        _ name: String, by user: Scope, keepAlive: Duration?,
        factory: @escaping @Sendable (ServiceContext<Value>) async throws -> Void
    ) async throws -> Value {
        while true {
            // Fast path: the service is ready, or it does not run yet and this caller
            // starts it; otherwise the slow path waits.
            switch try withState({ state throws(ScopeError) in
                try state.acquireFast(name, by: user, keepAlive: keepAlive, registry: self) { $0 is Value }
            }) {
            case .ready(let value):
                guard let typed = value as? Value else { preconditionFailure("the fast path checked the type") }
                return typed
            case .mismatch(let value):
                throw ScopeError(.typeMismatch(service: name, expected: "\(Value.self)", actual: "\(type(of: value))"))
            case .started(let started):
                // Launched once the lock is free: the service may take it at once.
                let task = launch(Scope(registry: self, node: started), factory: factory)
                return try await awaitStart(of: started, task: task, by: user)
            case .wait:
                if let value = try await acquireWaiting(name, by: user, keepAlive: keepAlive, factory: factory) {
                    return value
                }
            }
        }
    }

    /// The slow path of ``acquire(_:by:keepAlive:factory:)``: waits for a service that is
    /// starting or stopping (or starts it, when it ended meanwhile). Returns `nil` when the
    /// service was stopping and has ended: ask again. A function of its own, so that the
    /// fast path's frame, allocated on every acquire, stays small.
    nonisolated(nonsending) private func acquireWaiting<Value: Sendable>(
        _ name: String, by user: Scope, keepAlive: Duration?,
        factory: @escaping @Sendable (ServiceContext<Value>) async throws -> Void
    ) async throws -> Value? {
        let waiterID = makeWaiterID()
        let outcome = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<AcquireOutcome, any Error>) in
                let started = withState { state in
                    state.acquireSlow(
                        waiterID: waiterID, user: user, name: name, keepAlive: keepAlive,
                        continuation: continuation, registry: self)
                }
                if let started {
                    let task = launch(Scope(registry: self, node: started), factory: factory)
                    withState { state in state.track(task, of: started) }
                }
            }
        } onCancel: {
            withState { state in state.cancelWaiter(waiterID, registry: self) }
        }
        forgetCancelledWaiter(waiterID)
        switch outcome {
        case .retry:
            return nil
        case .value(let value):
            guard let typed = value as? Value else {
                withState { state in
                    if let target = state.byName[name], state.live(user)?.requires[target.id] != nil {
                        state.dropUse(user: user.id, target: target.id, all: false, registry: self)
                    }
                }
                throw ScopeError(
                    .typeMismatch(service: name, expected: "\(Value.self)", actual: "\(type(of: value))"))
            }
            return typed
        }
    }

    /// Waits until the service this caller has just launched registers its value, and
    /// returns it; throws what it failed with before registering.
    ///
    /// A service that registers (or fails) before it first suspends has done so when its
    /// launch returns, so usually one locked look finds the outcome and nothing waits: no
    /// continuation, no cancellation handler. Until the caller takes the outcome or waits
    /// for it, the node keeps a failure for it (``NodeState/starterPending``). The same
    /// look hands the service's `task` to the registry.
    nonisolated(nonsending) func awaitStart<Value: Sendable>(
        of node: NodeState, task: Task<Void, Never>, by user: Scope
    ) async throws -> Value {
        let early = withState { state in
            state.track(task, of: node)
            return state.takeStartOutcome(of: node)
        }
        let value = if let early { try early.get() } else { try await waitForStart(of: node, by: user) }
        guard let typed = value as? Value else {
            preconditionFailure("a service registers the type its factory's context declares")
        }
        return typed
    }

    /// Waits, holding the use its starter added, until the service of `node` registers.
    nonisolated(nonsending) private func waitForStart(of node: NodeState, by user: Scope) async throws -> any Sendable {
        let waiterID = makeWaiterID()
        let outcome = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<AcquireOutcome, any Error>) in
                withState { state in
                    state.waitForStart(of: node, waiterID: waiterID, user: user, continuation: continuation, registry: self)
                }
            }
        } onCancel: {
            withState { state in state.cancelWaiter(waiterID, registry: self) }
        }
        forgetCancelledWaiter(waiterID)
        guard case .value(let registered) = outcome else {
            preconditionFailure("a service that has not registered ends with an error, not a retry")
        }
        return registered
    }

    /// Runs a service's factory in its own scope and reports how it ended.
    ///
    /// The factory runs right in the task started for the service (see
    /// ``launch(_:factory:)``; no task group of its own, which keeps starting a service
    /// cheap): the registry cancels it through that task's handle, and the tasks it
    /// spawns run in the root's group (see ``RegistryState/spawnTracked(in:registry:_:)``).
    nonisolated(nonsending) func runService<Value: Sendable>(
        _ scope: Scope, factory: @Sendable (ServiceContext<Value>) async throws -> Void
    ) async {
        if logsDebug { debug("starting", metadata: ["scope": .string(scope.name)]) }
        let context = ServiceContext<Value>(scope: scope)
        let result: Result<Void, any Error>
        do {
            try await withRootServiceContext { try await factory(context) }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        if logsDebug { debug("ended", metadata: ["scope": .string(scope.name)]) }
        // The service's last step: once it has ended, the root may return.
        await finishSpawned(scope, result: result)
    }
}
