/// Tasks spawned by services.
///
/// A service's factory runs directly in its own task, without a task group, so the tasks
/// it spawns run in the root's group instead. The registry tracks them per service:
/// they are cancelled with the service and when its factory returns, the service ends only
/// after the last of them, and their errors become the service's errors.
extension RegistryState {
    /// Starts `operation` in the root's group on behalf of service `id`.
    ///
    /// - Throws: ``ScopeError`` `.scopeEnded` if the service's factory has returned.
    mutating func spawnTracked(
        in id: NodeID, registry: ScopeRegistry, _ operation: @escaping @Sendable () async throws -> Void
    ) throws(ScopeError) {
        guard let node = nodes[id] else { return }
        guard !node.spawnClosed else { throw ScopeError(.scopeEnded(node.name)) }
        let spawnID = registry.makeWaiterID()
        node.spawned[spawnID] = .some(nil)
        // The launcher is open: this service is live, so the root group still runs.
        pendingActions.append(.post(registry.launcher, .start { await registry.runSpawned(spawnID, in: id, operation) }))
    }

    /// Records that a spawned task ended (with its error, if any) and wakes the service
    /// if it waits for its last one.
    mutating func spawnedEnded(_ spawnID: Int, in id: NodeID, error: (any Error)?) {
        guard let node = nodes[id] else { return }
        node.spawned[spawnID] = nil
        if let error {
            node.spawnErrors.append(error)
            cancel(id, reason: nil)
        }
        if node.spawned.isEmpty, let drain = node.spawnDrain {
            node.spawnDrain = nil
            pendingActions.append(.drain(drain))
        }
    }
}

extension ScopeRegistry {
    /// Runs one task spawned by a service, in the root's group.
    func runSpawned(_ spawnID: Int, in id: NodeID, _ operation: @Sendable () async throws -> Void) async {
        let task = TaskCanceller.current()
        let cancelNow = withState { state in
            guard let node = state.nodes[id] else { return true }
            node.spawned[spawnID] = task
            return node.cancelled || node.spawnClosed
        }
        if cancelNow { task?.cancel() }
        var failure: (any Error)?
        do {
            try await operation()
        } catch is CancellationError {
        } catch {
            failure = error
        }
        withState { state in state.spawnedEnded(spawnID, in: id, error: failure) }
    }

    /// Called when a service's factory has returned with `result`: refuses new spawns,
    /// cancels the running ones, waits for them to end, and ends the service with their
    /// errors added to `result`. A service that spawned nothing still running ends in one
    /// pass under the lock.
    nonisolated(nonsending) func finishSpawned(_ scope: Scope, result: Result<Void, any Error>) async {
        let ended = withState { state in
            guard let node = state.live(scope) else { return true }
            node.spawnClosed = true
            guard node.spawned.isEmpty else {
                for case let task? in node.spawned.values { state.pendingActions.append(.cancel(task)) }
                return false
            }
            endService(scope, result: result, state: &state)
            return true
        }
        guard !ended else { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            withState { state in
                if let node = state.live(scope), !node.spawned.isEmpty {
                    node.spawnDrain = continuation
                } else {
                    continuation.resume()
                }
            }
        }
        withState { state in endService(scope, result: result, state: &state) }
    }

    /// Ends the service with its factory's `result` and its spawned tasks' errors.
    private func endService(_ scope: Scope, result: Result<Void, any Error>, state: inout RegistryState) {
        let spawnErrors = state.live(scope)?.spawnErrors ?? []
        let outcome = Scope.combine(result, spawnErrors: spawnErrors, scope: scope.name, logger: logger)
        state.serviceEnded(scope.id, result: outcome, registry: self)
    }
}
