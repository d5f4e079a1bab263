/// What the first locked pass of an acquire found.
enum FastAcquire: Sendable {
    /// The service is ready; the caller now uses it.
    case ready(any Sendable)
    /// The service is ready but its value is not of the type asked for; no use was taken.
    case mismatch(any Sendable)
    /// The service did not run; it was added for the caller to launch.
    case started(NodeState)
    /// The service is starting or stopping: wait (the slow path).
    case wait
}

/// The locked steps of acquiring a service: joining it, adding it for its starter to
/// launch, or waiting for it.
extension RegistryState {
    /// The first locked pass of an acquire, which settles it unless the caller has to wait.
    /// Not generic, so that it needs no type metadata at run time: `matches` tells whether a
    /// registered value is of the type the caller asked for.
    mutating func acquireFast(
        _ name: String, by user: Scope, keepAlive: Duration?, registry: ScopeRegistry,
        matches: (any Sendable) -> Bool
    ) throws(ScopeError) -> FastAcquire {
        guard let userNode = live(user) else { throw ScopeError(.scopeEnded(user.name)) }
        guard let node = byName[name] else {
            // A cancelled caller takes the slow path, which throws `CancellationError`.
            if Task.isCancelled { return .wait }
            return .started(
                addService(name, user: userNode, keepAlive: keepAlive, starterTakesOutcome: true, registry: registry))
        }
        guard node.phase == .ready, let value = node.value else { return .wait }
        guard matches(value) else { return .mismatch(value) }
        if let held = userNode.requires.index(forKey: node.id) {
            // Already a user: no new edge, so no new cycle.
            userNode.requires.values[held] += 1
            node.users.add(user.id)
        } else if let cycle = cyclePath(requester: user.id, target: node.id) {
            throw ScopeError(.cycle(cycle))
        } else {
            addUse(userNode: userNode, targetNode: node)
        }
        return .ready(value)
    }

    /// The part of an acquire that may have to wait, run with the caller's continuation.
    /// Returns the node of a service it added to the graph, which the caller starts once
    /// the lock is released.
    mutating func acquireSlow(
        waiterID: Int, user: Scope, name: String, keepAlive: Duration?,
        continuation: UnsafeContinuation<AcquireOutcome, any Error>, registry: ScopeRegistry
    ) -> NodeState? {
        if cancelledWaiters.remove(waiterID) != nil {
            continuation.resume(throwing: CancellationError())
            return nil
        }
        guard let userNode = live(user) else {
            continuation.resume(throwing: ScopeError(.scopeEnded(user.name)))
            return nil
        }
        if let node = byName[name] {
            let target = node.id
            if node.phase == .stopping {
                waiters[waiterID] = Waiter(
                    target: target, user: user.id, holdsEdge: false, continuation: .acquire(continuation))
                node.endWaiters.append(waiterID)
                return nil
            }
            if userNode.requires[target] == nil, let cycle = cyclePath(requester: user.id, target: target) {
                continuation.resume(throwing: ScopeError(.cycle(cycle)))
                return nil
            }
            addUse(userNode: userNode, targetNode: node)
            if node.phase == .ready, let value = node.value {
                continuation.resume(returning: .value(value))
                return nil
            }
            if registry.logsDebug {
                registry.debug("waiting for service", metadata: ["scope": .string(user.name), "service": .string(name)])
            }
            waiters[waiterID] = Waiter(
                target: target, user: user.id, holdsEdge: true, continuation: .acquire(continuation))
            node.readyWaiters.append(waiterID)
            return nil
        }

        let node = addService(name, user: userNode, keepAlive: keepAlive, starterTakesOutcome: false, registry: registry)
        waiters[waiterID] = Waiter(target: node.id, user: user.id, holdsEdge: true, continuation: .acquire(continuation))
        node.readyWaiters.append(waiterID)
        return node
    }

    /// Keeps the task running `node`'s factory, through which the registry cancels it; if
    /// the registry cancelled the service before (its task had not been handed over yet),
    /// cancels it now.
    mutating func track(_ task: Task<Void, Never>, of node: NodeState) {
        node.task = task
        if node.cancelled { pendingActions.append(.cancelService(task)) }
    }

    /// Adds a new service used by `userNode`, for that caller to launch. With
    /// `starterTakesOutcome`, the caller reads the outcome itself afterwards instead of
    /// waiting as a waiter (see ``NodeState/starterPending``).
    mutating func addService(
        _ name: String, user userNode: NodeState, keepAlive: Duration?, starterTakesOutcome: Bool,
        registry: ScopeRegistry
    ) -> NodeState {
        let node = NodeState(
            id: makeNodeID(), name: name, kind: .service, owner: nil, mailbox: nil, keepAlive: keepAlive,
            startDepth: userNode.startDepth + 1)
        node.starterPending = starterTakesOutcome
        nodes[node.id] = node
        byName[name] = node
        liveServices += 1
        addUse(userNode: userNode, targetNode: node)
        if registry.logsDebug {
            registry.debug("starting service", metadata: ["scope": .string(userNode.name), "service": .string(name)])
        }
        return node
    }

    /// The value `node` registered or the error it failed with before registering, taken
    /// by the caller that started it; `nil` while it is still starting.
    mutating func takeStartOutcome(of node: NodeState) -> Result<any Sendable, any Error>? {
        if let value = node.value {
            node.starterPending = false
            return .success(value)
        }
        if let failure = node.startFailure {
            node.starterPending = false
            return .failure(failure)
        }
        return nil
    }

    /// Makes the caller that started `node` wait for its value, holding the use it added.
    mutating func waitForStart(
        of node: NodeState, waiterID: Int, user: Scope,
        continuation: UnsafeContinuation<AcquireOutcome, any Error>, registry: ScopeRegistry
    ) {
        if cancelledWaiters.remove(waiterID) != nil {
            // A failure that came first still reaches the caller, not a bare cancellation.
            node.starterPending = false
            dropUse(user: user.id, target: node.id, all: false, registry: registry)
            continuation.resume(throwing: node.startFailure ?? CancellationError())
        } else if let outcome = takeStartOutcome(of: node) {
            continuation.resume(with: outcome.map { .value($0) })
        } else {
            node.starterPending = false
            waiters[waiterID] = Waiter(target: node.id, user: user.id, holdsEdge: true, continuation: .acquire(continuation))
            node.readyWaiters.append(waiterID)
        }
    }
}
