/// Starting and joining services.
extension ScopeRegistry {
    /// Uses the named service on behalf of `user`: joins it if it runs, otherwise starts it
    /// with `factory`; then waits until it has registered its value.
    nonisolated(nonsending) func acquire<Value: Sendable>(
        _ name: String, by user: Scope, keepAlive: Duration?,
        factory: @escaping @Sendable (ServiceContext<Value>) async throws -> Void
    ) async throws -> Value {
        while true {
            // Fast path: the service is ready. Sets `ready`, or says the slow path must wait.
            var ready: Value?
            let needsSlowPath = try withState { state throws(ScopeError) -> Bool in
                guard let userNode = state.live(user) else { throw ScopeError(.scopeEnded(user.name)) }
                guard let node = state.byName[name], node.phase == .ready, let value = node.value else {
                    return true
                }
                guard let typed = value as? Value else {
                    throw ScopeError(
                        .typeMismatch(service: name, expected: "\(Value.self)", actual: "\(type(of: value))"))
                }
                if let held = userNode.requires.index(forKey: node.id) {
                    // Already a user: no new edge, so no new cycle.
                    userNode.requires.values[held] += 1
                    node.users.add(user.id)
                } else if let cycle = state.cyclePath(requester: user.id, target: node.id) {
                    throw ScopeError(.cycle(cycle))
                } else {
                    state.addUse(userNode: userNode, targetNode: node)
                }
                ready = typed
                return false
            }
            guard needsSlowPath else {
                guard let ready else { preconditionFailure("the fast path sets the value when it takes it") }
                return ready
            }
            let waiterID = makeWaiterID()

            let outcome = try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<AcquireOutcome, any Error>) in
                    withState { state in
                        state.acquireSlow(
                            waiterID: waiterID, user: user, name: name, keepAlive: keepAlive,
                            continuation: continuation, registry: self
                        ) { node, inline in
                            let scope = Scope(registry: self, node: node)
                            return { self.launch(scope, inline: inline, factory: factory) }
                        }
                    }
                }
            } onCancel: {
                withState { state in state.cancelWaiter(waiterID, registry: self) }
            }
            forgetCancelledWaiter(waiterID)
            switch outcome {
            case .retry:
                continue
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
    }

    /// Runs a service's factory in its own scope and reports how it ended.
    ///
    /// The factory runs right in the task started for the service (see
    /// ``launch(_:inline:factory:)``; no task group of its own, which keeps starting a service
    /// cheap): the registry cancels it through a ``TaskCanceller``, and the tasks it
    /// spawns run in the root's group (see ``RegistryState/spawnTracked(in:registry:_:)``).
    nonisolated(nonsending) func runService<Value: Sendable>(
        _ scope: Scope, factory: @Sendable (ServiceContext<Value>) async throws -> Void
    ) async {
        if logsDebug { debug("starting", metadata: ["scope": .string(scope.name)]) }
        let task = TaskCanceller.current()
        let cancelNow = withState { state in
            guard let node = state.live(scope) else { return true }
            node.task = task
            return node.cancelled
        }
        if cancelNow { task?.cancel() }
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

extension RegistryState {
    /// The part of an acquire that may have to wait, run with the caller's continuation.
    mutating func acquireSlow(
        waiterID: Int, user: Scope, name: String, keepAlive: Duration?,
        continuation: UnsafeContinuation<AcquireOutcome, any Error>, registry: ScopeRegistry,
        makeLaunch: (NodeState, _ inline: Bool) -> @Sendable () -> Void
    ) {
        if cancelledWaiters.remove(waiterID) != nil {
            continuation.resume(throwing: CancellationError())
            return
        }
        guard let userNode = live(user) else {
            continuation.resume(throwing: ScopeError(.scopeEnded(user.name)))
            return
        }
        if let node = byName[name] {
            let target = node.id
            if node.phase == .stopping {
                waiters[waiterID] = Waiter(
                    target: target, user: user.id, holdsEdge: false, continuation: .acquire(continuation))
                node.endWaiters.append(waiterID)
                return
            }
            if userNode.requires[target] == nil, let cycle = cyclePath(requester: user.id, target: target) {
                continuation.resume(throwing: ScopeError(.cycle(cycle)))
                return
            }
            addUse(userNode: userNode, targetNode: node)
            if node.phase == .ready, let value = node.value {
                continuation.resume(returning: .value(value))
                return
            }
            if registry.logsDebug {
                registry.debug("waiting for service", metadata: ["scope": .string(user.name), "service": .string(name)])
            }
            waiters[waiterID] = Waiter(
                target: target, user: user.id, holdsEdge: true, continuation: .acquire(continuation))
            node.readyWaiters.append(waiterID)
            return
        }

        let id = makeNodeID()
        let node = NodeState(
            id: id, name: name, kind: .service, owner: nil, mailbox: nil, keepAlive: keepAlive,
            startDepth: userNode.startDepth + 1)
        nodes[id] = node
        byName[name] = node
        liveServices += 1
        addUse(userNode: userNode, targetNode: node)
        waiters[waiterID] = Waiter(target: id, user: user.id, holdsEdge: true, continuation: .acquire(continuation))
        node.readyWaiters.append(waiterID)
        if registry.logsDebug {
            registry.debug("starting service", metadata: ["scope": .string(user.name), "service": .string(name)])
        }
        let inline = node.startDepth <= ScopeRegistry.maximumInlineStartDepth
        pendingActions.append(.launch(makeLaunch(node, inline)))
    }
}
