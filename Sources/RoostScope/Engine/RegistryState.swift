/// Identifies one scope in a root scope's graph.
struct NodeID: Hashable, Comparable, Sendable {
    let raw: Int
    static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.raw < rhs.raw }

    func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    /// The hash the registry's dictionaries use. Ids are sequential numbers that no outside
    /// input chooses, so a multiplicative (Fibonacci) hash spreads them well enough, and
    /// spares every lookup in the graph the cost of SipHash.
    func _rawHashValue(seed: Int) -> Int {
        (raw ^ seed) &* -7_046_029_254_386_353_131  // 2^64 / golden ratio, as a signed Int
    }
}

/// What a scope is.
enum NodeKind: Sendable {
    /// The root body.
    case main
    /// A named, shared service run by a factory.
    case service
    /// An embedded usage block.
    case usage
}

/// Where a service is in its life.
enum ServicePhase: Sendable {
    /// Started, value not registered yet.
    case starting
    /// Value registered, users may join.
    case ready
    /// Told that it has no users (or cancelled); new requests wait for it to end.
    case stopping
}

/// Why the registry cancelled a scope.
enum CancelReason: Sendable {
    /// The last user left and the service was not waiting in `noMoreDependents()`.
    case noUsers
    /// A service it used (directly or indirectly) ended while in use.
    case dependencyDied(service: String, error: (any Error)?)
    /// A service failed after registering, which fails the root scope.
    case rootFailure
}

/// What a caller waiting in `service(_:)` gets back.
enum AcquireOutcome: Sendable {
    /// The registered value.
    case value(any Sendable)
    /// The service was stopping and has ended: ask again.
    case retry
}

/// One caller suspended on the registry.
struct Waiter {
    enum Continuation {
        case acquire(UnsafeContinuation<AcquireOutcome, any Error>)
        case noUsers(UnsafeContinuation<Void, any Error>)
    }

    /// The scope the caller waits on.
    let target: NodeID
    /// The scope the caller acts for (for acquires: the user whose edge it holds).
    let user: NodeID
    /// Whether the waiter holds a use of `target` that must be dropped if it gives up.
    let holdsEdge: Bool
    let continuation: Continuation

    /// The wake-up that fails this waiter with `error`.
    func failure(_ error: any Error) -> DeferredAction {
        switch continuation {
        case .acquire(let c): .acquire(c, .failure(error))
        case .noUsers(let c): .noUsers(c, error)
        }
    }
}

/// A continuation to resume, a job to post or a task to cancel, once the registry's lock
/// is released.
///
/// Resuming a continuation enqueues its task and may wake a thread: done under the lock,
/// that system call would lengthen every other task's wait for the lock. Cancelling a
/// task runs its cancellation handlers on the spot, and those may take the lock.
enum DeferredAction {
    case acquire(UnsafeContinuation<AcquireOutcome, any Error>, Result<AcquireOutcome, any Error>)
    case noUsers(UnsafeContinuation<Void, any Error>, (any Error)?)
    case drain(UnsafeContinuation<Void, Never>)
    case post(ScopeMailbox, ScopeMailbox.Job)
    case cancel(TaskCanceller)
    case cancelService(Task<Void, Never>)

    func run() {
        switch self {
        case .acquire(let continuation, let result): continuation.resume(with: result)
        case .noUsers(let continuation, let error?): continuation.resume(throwing: error)
        case .noUsers(let continuation, nil): continuation.resume()
        case .drain(let continuation): continuation.resume()
        case .post(let mailbox, let job): mailbox.post(job)
        case .cancel(let task): task.cancel()
        case .cancelService(let task): task.cancel()
        }
    }
}

/// Everything the registry knows about one live scope.
///
/// A class so that the registry updates it in place, and so that a ``Scope`` can hold its
/// own node and skip looking it up. `@unchecked Sendable`: scopes carry the reference
/// across tasks, but its `let` constants never change after `init`, and every read and
/// write of its `var` state happens while the registry's mutex is held (inside
/// ``ScopeRegistry/withState(_:)``).
///
/// Its `var`s are `@exclusivity(unchecked)`. The mutex already keeps accesses from two
/// threads apart, and within one locked pass no access to a property is held open across
/// another access to the same property, so the run-time exclusivity checks had nothing to
/// catch; they cost seven calls into the runtime per acquire and release.
final class NodeState: @unchecked Sendable {
    let id: NodeID
    let name: String
    let kind: NodeKind
    let owner: NodeID?
    /// The job queue of the root body or a usage block. Services run their factory in a
    /// task of their own and have none: see ``task`` and ``spawned``.
    let mailbox: ScopeMailbox?
    let keepAlive: Duration?
    @exclusivity(unchecked) var phase: ServicePhase
    /// Services this scope uses, with how many times it acquired each.
    @exclusivity(unchecked) var requires: [NodeID: Int] = [:]
    /// Scopes using this service, with how many times each acquired it.
    @exclusivity(unchecked) var users = UseCounts()
    /// Usage blocks opened inside this scope that are still running.
    @exclusivity(unchecked) var usageChildren: Set<NodeID> = []
    @exclusivity(unchecked) var value: (any Sendable)?
    /// Waiter ids for the registered value, for `noMoreDependents()` and for the end.
    @exclusivity(unchecked) var readyWaiters = InlineList<Int>()
    @exclusivity(unchecked) var noUsersWaiters = InlineList<Int>()
    @exclusivity(unchecked) var endWaiters = InlineList<Int>()
    @exclusivity(unchecked) var graceDeadline: Duration?
    @exclusivity(unchecked) var graceTimerRunning = false
    @exclusivity(unchecked) var cancelReason: CancelReason?
    /// Whether the registry cancelled this service (its task may not have started yet).
    @exclusivity(unchecked) var cancelled = false
    /// The task running this service's factory, once its launch has returned (see
    /// ``RegistryState/track(_:of:)``).
    @exclusivity(unchecked) var task: Task<Void, Never>?
    /// Tasks spawned in this service that have not ended, by id; `nil` until one starts.
    @exclusivity(unchecked) var spawned: [Int: TaskCanceller?] = [:]
    /// Errors thrown by this service's spawned tasks.
    @exclusivity(unchecked) var spawnErrors: [any Error] = []
    /// Set when the factory has returned: no more spawns, the rest get cancelled.
    @exclusivity(unchecked) var spawnClosed = false
    /// The service's task, waiting for its last spawned task to end.
    @exclusivity(unchecked) var spawnDrain: UnsafeContinuation<Void, Never>?
    /// Set when the node leaves the graph: a scope holding it has ended.
    @exclusivity(unchecked) var isRemoved = false
    /// Whether the caller that started this service has yet to take its outcome (see
    /// ``ScopeRegistry/awaitStart(of:task:by:)``); a failure before register is then kept in
    /// ``startFailure`` for it.
    @exclusivity(unchecked) var starterPending = false
    /// The error the service failed with before registering, for its starter.
    @exclusivity(unchecked) var startFailure: (any Error)?
    /// How many services were started one from the other to reach this scope: 0 for the
    /// root body, a service's user's plus one, a usage block's owner's.
    let startDepth: Int

    init(
        id: NodeID, name: String, kind: NodeKind, owner: NodeID?, mailbox: ScopeMailbox?, keepAlive: Duration?,
        startDepth: Int
    ) {
        self.id = id
        self.startDepth = startDepth
        self.name = name
        self.kind = kind
        self.owner = owner
        self.mailbox = mailbox
        self.keepAlive = keepAlive
        self.phase = kind == .service ? .starting : .ready
    }

    var useCount: Int { users.total }
}

/// The whole graph of one root scope, guarded by the registry's mutex.
struct RegistryState {
    var nodes: [NodeID: NodeState] = [:]
    /// Running services by name.
    var byName: [String: NodeState] = [:]
    var waiters: [Int: Waiter] = [:]
    /// Waiter ids whose task was cancelled before they got to wait.
    var cancelledWaiters: Set<Int> = []
    var nextNode = 0
    var liveServices = 0
    var mainID: NodeID?
    var mainEnded = false
    var rootErrors: [any Error] = []
    /// What to do once the lock is released (see ``DeferredAction``).
    var pendingActions = InlineList<DeferredAction>()

    /// The node of `scope`, unless the scope has ended.
    func live(_ scope: Scope) -> NodeState? {
        scope.node.isRemoved ? nil : scope.node
    }

    mutating func makeNodeID() -> NodeID {
        nextNode += 1
        return NodeID(raw: nextNode)
    }
}
