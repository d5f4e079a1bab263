import Logging
import ServiceContextModule
import Synchronization

/// The shared state of one root scope: every live scope, the use edges between them, and
/// the tasks waiting on them. One mutex guards the whole graph, so acquiring, releasing and
/// cycle checks see one consistent picture from any number of tasks.
final class ScopeRegistry: Sendable {
    let rootName: String
    let logger: Logger
    let clock: ScopeClock
    /// Jobs for the root's task group: the tasks services spawn (services' own tasks
    /// start outside it, see ``launch(_:factory:)``).
    let launcher = ScopeMailbox()
    private let state = Mutex(RegistryState())
    private let waiterIDs = Atomic<Int>(0)

    /// Whether the logger wants debug messages, decided once from the logger the root was
    /// given: a message it would drop then costs one branch, instead of a call into the
    /// log handler at every step of every service (a third of the time a tree of
    /// services took to start and stop).
    let logsDebug: Bool
    /// The tracing context of the task that runs the root, for the services' tasks.
    let rootServiceContext: ServiceContextModule.ServiceContext?

    init(rootName: String, logger: Logger, clock: ScopeClock) {
        self.rootServiceContext = ServiceContextModule.ServiceContext.current
        self.rootName = rootName
        self.logger = logger
        self.clock = clock
        self.logsDebug = logger.logLevel <= .debug
    }

    /// Logs a debug message. Callers check ``logsDebug`` first, so that building the
    /// message and its metadata stays off the path when nobody reads them.
    @inline(never)
    func debug(_ message: Logger.Message, metadata: Logger.Metadata) {
        logger.debug(message, metadata: metadata)
    }

    /// Runs `body` with the graph locked, then carries out what it deferred: resuming the
    /// tasks it woke and cancelling the tasks it asked to cancel (see ``DeferredAction``).
    ///
    /// Most passes defer nothing; they neither copy nor walk an empty list.
    func withState<R: Sendable, E: Error>(_ body: (inout sending RegistryState) throws(E) -> R) throws(E) -> R {
        var deferred = InlineList<DeferredAction>()
        // Runs once the lock is released, after a throwing body too.
        defer { if !deferred.isEmpty { deferred.forEach { $0.run() } } }
        return try state.withLock { state throws(E) -> R in
            defer { if !state.pendingActions.isEmpty { deferred = state.pendingActions.takeAll() } }
            return try body(&state)
        }
    }

    /// Creates the scope for the root body.
    func makeMain() -> Scope {
        let mailbox = ScopeMailbox()
        let node = withState { state in
            let id = state.makeNodeID()
            let node = NodeState(
                id: id, name: rootName, kind: .main, owner: nil, mailbox: mailbox, keepAlive: nil, startDepth: 0)
            state.nodes[id] = node
            state.mainID = id
            return node
        }
        return Scope(registry: self, node: node)
    }

    /// Creates the scope for a usage block opened inside `owner`.
    func makeUsage(owner: Scope, name: String?) throws(ScopeError) -> Scope {
        let mailbox = ScopeMailbox()
        let node = try withState { state throws(ScopeError) in
            guard let ownerNode = state.live(owner) else { throw ScopeError(.scopeEnded(owner.name)) }
            let id = state.makeNodeID()
            let scopeName = name ?? "\(owner.name).use\(id.raw)"
            let node = NodeState(
                id: id, name: scopeName, kind: .usage, owner: owner.id, mailbox: mailbox, keepAlive: nil,
                startDepth: ownerNode.startDepth)
            state.nodes[id] = node
            ownerNode.usageChildren.insert(id)
            return node
        }
        return Scope(registry: self, node: node)
    }

    /// Registers a service's value.
    func register(_ scope: Scope, value: any Sendable) throws(ScopeError) {
        try withState { state throws(ScopeError) in
            try state.register(scope.id, name: scope.name, value: value)
        }
        if logsDebug { debug("registered", metadata: ["scope": .string(scope.name)]) }
    }

    /// Drops one use (or all uses) of the named service by `user`.
    func release(_ name: String, by user: Scope, all: Bool) throws(ScopeError) {
        try withState { state throws(ScopeError) in
            guard let userNode = state.live(user) else { throw ScopeError(.scopeEnded(user.name)) }
            guard let target = state.byName[name], let held = userNode.requires[target.id] else {
                throw ScopeError(.notUsed(name))
            }
            state.dropUse(userNode: userNode, targetNode: target, held: held, all: all, registry: self)
        }
    }

    /// The registered value of a running service, without using it.
    func lookup<Value: Sendable>(_ name: String, by user: Scope, as _: Value.Type) throws(ScopeError) -> Value {
        let value = try withState { state throws(ScopeError) -> any Sendable in
            guard state.live(user) != nil else { throw ScopeError(.scopeEnded(user.name)) }
            guard let value = state.byName[name]?.value else {
                throw ScopeError(.notFound(name))
            }
            return value
        }
        guard let typed = value as? Value else {
            throw ScopeError(.typeMismatch(service: name, expected: "\(Value.self)", actual: "\(type(of: value))"))
        }
        return typed
    }

    /// Runs the grace period of an idle keep-alive service, then tells it that its users
    /// are gone unless someone acquired it meanwhile.
    func runGraceTimer(_ id: NodeID) async throws {
        while true {
            let deadline: Duration? = withState { state in
                guard let node = state.nodes[id], node.phase == .ready, node.users.isEmpty,
                    let deadline = node.graceDeadline
                else {
                    state.nodes[id]?.graceTimerRunning = false
                    return nil
                }
                if clock.now() >= deadline {
                    state.nodes[id]?.graceTimerRunning = false
                    state.signalNoUsers(id, registry: self)
                    return nil
                }
                return deadline
            }
            guard let deadline else { return }
            try await clock.sleepUntil(deadline)
        }
    }

    /// Waits until the service has no users left.
    nonisolated(nonsending) func waitNoUsers(_ scope: Scope) async throws {
        let waiterID = makeWaiterID()
        if logsDebug { debug("waiting for no more dependents", metadata: ["scope": .string(scope.name)]) }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                withState { state in
                    guard let node = state.live(scope) else {
                        return continuation.resume(throwing: ScopeError(.scopeEnded(scope.name)))
                    }
                    guard node.value != nil else {
                        return continuation.resume(throwing: ScopeError(.waitBeforeRegister(scope.name)))
                    }
                    if node.phase == .stopping {
                        continuation.resume()
                    } else if state.cancelledWaiters.remove(waiterID) != nil {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        state.waiters[waiterID] = Waiter(
                            target: scope.id, user: scope.id, holdsEdge: false, continuation: .noUsers(continuation))
                        node.noUsersWaiters.append(waiterID)
                    }
                }
            }
        } onCancel: {
            withState { state in state.cancelWaiter(waiterID, registry: self) }
        }
        forgetCancelledWaiter(waiterID)
    }

    /// A new id for a waiter or a spawned task, unique in this registry.
    func makeWaiterID() -> Int {
        waiterIDs.add(1, ordering: .relaxed).newValue
    }

    /// Drops the marker a late cancellation may have left for a waiter that already got
    /// its answer. Only a cancelled task can have left one.
    func forgetCancelledWaiter(_ waiterID: Int) {
        if Task.isCancelled {
            withState { state in _ = state.cancelledWaiters.remove(waiterID) }
        }
    }
}
