/// Edges, cycle detection and the "last user left" transition.
extension RegistryState {
    /// The scope whose dependencies a request counts for: usage blocks count for the
    /// service (or root body) that opened them.
    func effectiveUser(_ id: NodeID) -> NodeID {
        var current = id
        while let node = nodes[current], node.kind == .usage, let owner = node.owner {
            current = owner
        }
        return current
    }

    /// The services a scope uses, including those used by its open usage blocks.
    func dependencies(of id: NodeID, into result: inout [NodeID]) {
        guard let node = nodes[id] else { return }
        result.append(contentsOf: node.requires.keys)
        for child in node.usageChildren {
            dependencies(of: child, into: &result)
        }
    }

    /// The cycle that `requester` using `target` would close, as names from the requester
    /// back to itself, or `nil` if the graph stays acyclic.
    func cyclePath(requester: NodeID, target: NodeID) -> [String]? {
        let me = effectiveUser(requester)
        guard let meNode = nodes[me], meNode.kind == .service else { return nil }
        if me == target { return [meNode.name, meNode.name] }
        var parent: [NodeID: NodeID] = [target: target]
        var stack = [target]
        var deps: [NodeID] = []
        while let current = stack.popLast() {
            deps.removeAll(keepingCapacity: true)
            dependencies(of: current, into: &deps)
            for dep in deps where parent[dep] == nil {
                parent[dep] = current
                if dep == me {
                    var chain = [me]
                    var step = current
                    while step != target, let up = parent[step] {
                        chain.append(step)
                        step = up
                    }
                    chain.append(target)
                    let names = chain.reversed().compactMap { nodes[$0]?.name }
                    return [meNode.name] + names
                }
                stack.append(dep)
            }
        }
        return nil
    }

    /// Records one more use of `targetNode` by `userNode`.
    mutating func addUse(userNode: NodeState, targetNode: NodeState) {
        userNode.requires[targetNode.id, default: 0] += 1
        targetNode.users.add(userNode.id)
        targetNode.graceDeadline = nil
    }

    /// Drops one use (or every use) of `target` by `user`.
    mutating func dropUse(user: NodeID, target: NodeID, all: Bool, registry: ScopeRegistry) {
        guard let userNode = nodes[user], let held = userNode.requires[target], let targetNode = nodes[target] else {
            return
        }
        dropUse(userNode: userNode, targetNode: targetNode, held: held, all: all, registry: registry)
    }

    /// Drops uses of `targetNode` by `userNode`, which holds `held` of them.
    mutating func dropUse(userNode: NodeState, targetNode: NodeState, held: Int, all: Bool, registry: ScopeRegistry) {
        let remaining = all ? 0 : held - 1
        userNode.requires[targetNode.id] = remaining == 0 ? nil : remaining
        targetNode.users[userNode.id] = remaining == 0 ? nil : remaining
        if targetNode.users.isEmpty {
            lostLastUser(targetNode.id, registry: registry)
        }
    }

    /// Sets the reason (first one wins) and cancels everything running in the scope.
    mutating func cancel(_ id: NodeID, reason: CancelReason?) {
        guard let node = nodes[id] else { return }
        if node.cancelReason == nil { node.cancelReason = reason }
        if let mailbox = node.mailbox {
            pendingActions.append(.post(mailbox, .cancel))
            return
        }
        node.cancelled = true
        if let task = node.task { pendingActions.append(.cancelService(task)) }
        for case let task? in node.spawned.values { pendingActions.append(.cancel(task)) }
    }

    /// The last user of a service left: start the grace period, wake its
    /// `noMoreDependents()`, or cancel it.
    mutating func lostLastUser(_ id: NodeID, registry: ScopeRegistry) {
        guard let node = nodes[id], node.kind == .service else { return }
        switch node.phase {
        case .starting:
            if registry.logsDebug {
                registry.debug("no users left before register, cancelling", metadata: ["service": "\(node.name)"])
            }
            node.phase = .stopping
            cancel(id, reason: .noUsers)
        case .ready:
            if let keepAlive = node.keepAlive, keepAlive > .zero, !mainEnded {
                node.graceDeadline = registry.clock.now() + keepAlive
                if !node.graceTimerRunning {
                    node.graceTimerRunning = true
                    // Refused only when the factory has already returned: the service is
                    // ending then, and a grace period has nothing left to keep alive.
                    try? spawnTracked(in: id, registry: registry) { try await registry.runGraceTimer(id) }
                }
            } else {
                signalNoUsers(id, registry: registry)
            }
        case .stopping:
            break
        }
    }

    /// Moves a service to `stopping`: resumes `noMoreDependents()` or, if nobody waits
    /// there, cancels the service.
    mutating func signalNoUsers(_ id: NodeID, registry: ScopeRegistry) {
        guard let node = nodes[id] else { return }
        node.phase = .stopping
        node.graceDeadline = nil
        if node.noUsersWaiters.isEmpty {
            if registry.logsDebug { registry.debug("no users left, cancelling", metadata: ["service": "\(node.name)"]) }
            cancel(id, reason: .noUsers)
            return
        }
        if registry.logsDebug { registry.debug("no users left", metadata: ["service": "\(node.name)"]) }
        let waiting = node.noUsersWaiters.takeAll()
        for waiterID in waiting {
            if let waiter = waiters.removeValue(forKey: waiterID), case .noUsers(let c) = waiter.continuation {
                pendingActions.append(.noUsers(c, nil))
            }
        }
    }

    /// Cancels every scope that uses `id`, directly or through other services.
    mutating func cancelUsers(of id: NodeID, reason: CancelReason) {
        guard let node = nodes[id] else { return }
        var stack = node.users.ids
        var seen: Set<NodeID> = []
        while let user = stack.popLast() {
            guard seen.insert(user).inserted else { continue }
            cancel(user, reason: reason)
            if let next = nodes[user]?.users.ids { stack.append(contentsOf: next) }
        }
    }

    /// Gives up a waiter whose task was cancelled.
    mutating func cancelWaiter(_ waiterID: Int, registry: ScopeRegistry) {
        guard let waiter = waiters.removeValue(forKey: waiterID) else {
            cancelledWaiters.insert(waiterID)
            return
        }
        nodes[waiter.target]?.readyWaiters.remove(waiterID)
        nodes[waiter.target]?.endWaiters.remove(waiterID)
        nodes[waiter.target]?.noUsersWaiters.remove(waiterID)
        if waiter.holdsEdge {
            dropUse(user: waiter.user, target: waiter.target, all: false, registry: registry)
        }
        pendingActions.append(waiter.failure(CancellationError()))
    }
}
