import Logging
import ServiceLifecycle
import Synchronization

/// Watches peers that send heartbeats and marks a peer dead when no beat arrived within
/// `timeout` on the injected clock (the peers' `HeartbeatChecker`), as a
/// swift-service-lifecycle `Service`.
///
/// Call ``beat(_:)`` whenever a peer shows a sign of life. ``run()`` checks every
/// `checkInterval` and reports each peer that went silent through `onChange` (once, until
/// it beats again); a dead peer that beats again is reported alive at once. ``status(of:)``
/// answers from the clock directly, so it is exact even between checks.
///
/// ```swift
/// let workers = HeartbeatMonitor<String, ContinuousClock>(
///     timeout: .seconds(15), checkInterval: .seconds(1), clock: ContinuousClock()
/// ) { worker, status in
///     if status == .dead { scheduler.reassignJobs(of: worker) }
/// }
/// workers.beat("worker-7")   // on every message from worker-7
/// ```
public final class HeartbeatMonitor<Peer: Hashable & Sendable, C: Clock>: Service, Sendable
where C.Duration == Duration {
    /// Whether a peer is alive.
    public enum Status: Sendable, Hashable {
        /// The last beat is younger than the timeout.
        case alive
        /// No beat within the timeout.
        case dead
    }

    private struct PeerState {
        var lastBeat: C.Instant
        var reportedDead: Bool
    }

    /// How long a peer may stay silent before it counts as dead.
    public let timeout: Duration
    /// How often ``run()`` looks for silent peers.
    public let checkInterval: Duration
    private let clock: C
    private let logger: Logger
    private let onChange: @Sendable (Peer, Status) -> Void
    private let peers = Mutex<[Peer: PeerState]>([:])

    /// Creates a monitor without peers.
    ///
    /// - Parameters:
    ///   - timeout: The longest silence of a live peer; greater than 0.
    ///   - checkInterval: How often ``run()`` checks (default: a tenth of the timeout).
    ///   - clock: The clock that measures silence.
    ///   - logger: Where deaths and recoveries are logged.
    ///   - onChange: Called when a peer is found dead, or beats again after being dead.
    ///     It runs synchronously on the checking (or beating) task: keep it short.
    public init(
        timeout: Duration, checkInterval: Duration? = nil, clock: C,
        logger: Logger = Logger(label: "roost.tasks.heartbeat"),
        onChange: @escaping @Sendable (Peer, Status) -> Void = { _, _ in }
    ) {
        precondition(timeout > .zero, "timeout must be positive")
        self.timeout = timeout
        self.checkInterval = checkInterval ?? timeout / 10
        precondition(self.checkInterval > .zero, "checkInterval must be positive")
        self.clock = clock
        self.logger = logger
        self.onChange = onChange
    }

    /// Records a sign of life from `peer` (adding it if new). A peer reported dead is
    /// reported alive again.
    public func beat(_ peer: Peer) {
        let now = clock.now
        let revived = peers.withLock { peers -> Bool in
            let wasDead = peers[peer]?.reportedDead ?? false
            peers[peer] = PeerState(lastBeat: now, reportedDead: false)
            return wasDead
        }
        if revived {
            logger.info("Peer beats again", metadata: ["peer": "\(peer)"])
            onChange(peer, .alive)
        }
    }

    /// The status of `peer` now, or nil if it never beat (or was removed).
    public func status(of peer: Peer) -> Status? {
        let now = clock.now
        return peers.withLock { peers in
            peers[peer].map { $0.lastBeat.duration(to: now) < timeout ? .alive : .dead }
        }
    }

    /// The peers whose last beat is younger than the timeout.
    public var alivePeers: Set<Peer> {
        let now = clock.now
        return peers.withLock { peers in Set(peers.filter { $0.value.lastBeat.duration(to: now) < timeout }.keys) }
    }

    /// Stops watching `peer`.
    public func remove(_ peer: Peer) { _ = peers.withLock { $0.removeValue(forKey: peer) } }

    /// Reports every peer that has gone silent since the last check; returns them.
    @discardableResult
    public func checkNow() -> [Peer] {
        let now = clock.now
        let dead = peers.withLock { peers -> [Peer] in
            var dead: [Peer] = []
            for (peer, state) in peers where !state.reportedDead && state.lastBeat.duration(to: now) >= timeout {
                peers[peer]!.reportedDead = true
                dead.append(peer)
            }
            return dead
        }
        for peer in dead {
            logger.warning("Peer missed its heartbeat and counts as dead", metadata: ["peer": "\(peer)"])
            onChange(peer, .dead)
        }
        return dead
    }

    /// Checks every `checkInterval` until graceful shutdown or cancellation.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await self.clock.sleep(for: self.checkInterval)
                    self.checkNow()
                }
            }
        } catch is CancellationError {
            return
        }
    }
}

extension HeartbeatMonitor where C == ContinuousClock {
    /// Creates a monitor that measures silence on the system's continuous clock.
    public convenience init(
        timeout: Duration, checkInterval: Duration? = nil, logger: Logger = Logger(label: "roost.tasks.heartbeat"),
        onChange: @escaping @Sendable (Peer, Status) -> Void = { _, _ in }
    ) {
        self.init(timeout: timeout, checkInterval: checkInterval, clock: ContinuousClock(), logger: logger, onChange: onChange)
    }
}
