/// Registration and the end of scopes.
extension RegistryState {
    /// Stores a service's value and hands it to everyone waiting for it.
    mutating func register(_ id: NodeID, name: String, value: any Sendable) throws(ScopeError) {
        guard let node = nodes[id] else { throw ScopeError(.scopeEnded(name)) }
        guard node.value == nil else { throw ScopeError(.alreadyRegistered(name)) }
        node.value = value
        if node.phase == .starting { node.phase = .ready }
        let waiting = node.readyWaiters.takeAll()
        for waiterID in waiting {
            if let waiter = waiters.removeValue(forKey: waiterID), case .acquire(let c) = waiter.continuation {
                pendingActions.append(.acquire(c, .success(.value(value))))
            }
        }
    }

    /// Removes a scope from the graph and releases everything it used.
    mutating func remove(_ id: NodeID, registry: ScopeRegistry) -> NodeState? {
        guard let node = nodes.removeValue(forKey: id) else { return nil }
        node.isRemoved = true
        if let owner = node.owner { nodes[owner]?.usageChildren.remove(id) }
        for user in node.users.ids {
            nodes[user]?.requires[id] = nil
        }
        for dependency in node.requires.keys.sorted() {
            nodes[dependency]?.users[id] = nil
            if nodes[dependency]?.users.isEmpty == true {
                lostLastUser(dependency, registry: registry)
            }
        }
        for waiterID in node.endWaiters {
            if let waiter = waiters.removeValue(forKey: waiterID), case .acquire(let c) = waiter.continuation {
                pendingActions.append(.acquire(c, .success(.retry)))
            }
        }
        return node
    }

    /// A service's factory returned or threw: tell its waiters or users, fail the root
    /// if it failed after registering, and release its own dependencies.
    mutating func serviceEnded(_ id: NodeID, result: Result<Void, any Error>, registry: ScopeRegistry) {
        guard let node = nodes[id] else { return }
        let logger = registry.logger
        if let entry = byName.index(forKey: node.name), byName.values[entry] === node { byName.remove(at: entry) }
        liveServices -= 1

        if node.value == nil {
            let error: any Error
            switch result {
            case .success:
                error = ScopeError(.notRegistered(node.name))
            case .failure(let failure) where failure is CancellationError:
                switch node.cancelReason {
                case .dependencyDied(let service, let cause):
                    error = ScopeDied(scope: node.name, service: service, underlying: cause)
                case .noUsers, .rootFailure, nil:
                    error = ScopeError(.startCancelled(node.name))
                }
            case .failure(let failure):
                error = failure
            }
            if node.starterPending { node.startFailure = error }
            let cancelled = (try? result.get()) == nil && node.cancelReason != nil
            if node.readyWaiters.isEmpty && !node.starterPending && !cancelled {
                logger.error(
                    "service failed before register with nobody waiting",
                    metadata: ["service": "\(node.name)", "error": "\(error)"])
            }
            for waiterID in node.readyWaiters.takeAll() {
                if let waiter = waiters.removeValue(forKey: waiterID) { pendingActions.append(waiter.failure(error)) }
            }
        } else {
            var failure: (any Error)?
            if case .failure(let error) = result, !(error is CancellationError) { failure = error }
            if let failure {
                // The root reports the failure itself, so it is cancelled for that reason
                // (not as a user of this service).
                logger.error("service failed", metadata: ["service": "\(node.name)", "error": "\(failure)"])
                rootErrors.append(failure)
                if let mainID { cancel(mainID, reason: .rootFailure) }
            }
            if !node.users.isEmpty {
                if registry.logsDebug {
                    registry.debug("service ended while in use, cancelling its users", metadata: ["service": "\(node.name)"])
                }
                cancelUsers(of: id, reason: .dependencyDied(service: node.name, error: failure))
            }
        }
        _ = remove(id, registry: registry)
        closeLauncherIfDone(registry: registry)
    }

    /// A usage block or the root body ended; returns why the registry cancelled it.
    mutating func blockEnded(_ id: NodeID, registry: ScopeRegistry) -> CancelReason? {
        if id == mainID {
            mainEnded = true
            // No grace periods during shutdown: services idling in one stop now.
            let idle = nodes.filter { $0.value.kind == .service && $0.value.phase == .ready && $0.value.users.isEmpty }
            for other in idle.keys.sorted() {
                signalNoUsers(other, registry: registry)
            }
        }
        let reason = remove(id, registry: registry)?.cancelReason
        closeLauncherIfDone(registry: registry)
        return reason
    }

    /// Ends the root's task group once the body has ended and no service is left.
    func closeLauncherIfDone(registry: ScopeRegistry) {
        if mainEnded && liveServices == 0 { registry.launcher.close() }
    }
}
