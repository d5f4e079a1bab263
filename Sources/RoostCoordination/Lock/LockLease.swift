import RoostCore
import Synchronization

/// One acquisition of a ``DistributedLock``: the proof of ownership that release, extend
/// and renewal present, and the place where the holder learns that the lock was lost.
///
/// Every acquisition gets a fresh random ``token`` (so a late release by an old holder
/// cannot free a newer holder's lock) and a ``fencingToken`` that grows strictly per key.
/// Pass the fencing token to the storage the lock protects and have it reject writes
/// with a smaller token than it has seen: that keeps a holder that paused past its time
/// to live from overwriting newer work.
///
/// A lease is *held* until it is released or lost. Loss is final and observable:
///
/// ```swift
/// let lease = try await lock.acquire("report:daily", ttl: .seconds(30), timeout: .seconds(5))
/// if let lost = try await lease.waitUntilLost() {
///     logger.warning("lost \(lost.key)")
/// }
/// ```
public final class LockLease: Sendable {
    /// Where a lease is in its life.
    public enum Status: Sendable {
        /// The holder owns the lock, as far as this process knows.
        case held
        /// The holder released the lock.
        case released
        /// The lock was lost before release.
        case lost(LockLost)
    }

    private struct State {
        var status = Status.held
        var renewals = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<LockLost?, any Error>] = [:]
        var registering: Set<UInt64> = []
        var cancelledBeforeStart: Set<UInt64> = []

        var settled: LockLost?? {
            switch status {
            case .held: nil
            case .released: .some(nil)
            case .lost(let lost): .some(lost)
            }
        }
    }

    /// The locked key.
    public let key: String
    /// The random secret that identifies this acquisition to the backend.
    public let token: String
    /// A number that grows strictly with every acquisition of ``key``.
    public let fencingToken: UInt64
    /// The time to live the lease was acquired with; renewals extend it by the same amount.
    public let ttl: Duration

    private let state = Mutex(State())

    /// Creates a held lease. Lock implementations call this when an acquisition succeeds.
    public init(key: String, token: String, fencingToken: UInt64, ttl: Duration) {
        self.key = key
        self.token = token
        self.fencingToken = fencingToken
        self.ttl = ttl
    }

    /// A new random token: 128 bits from the system's secure generator, as 32 hex digits
    /// (``SecureRandomGenerator/hexToken()``).
    public static func randomToken() -> String {
        SecureRandomGenerator.hexToken()
    }

    /// Where the lease is now.
    public var status: Status { state.withLock { $0.status } }

    /// Whether the lease is still held.
    public var isHeld: Bool {
        if case .held = status { return true }
        return false
    }

    /// The loss, once the lease has been lost; nil while held or after a release.
    public var lostError: LockLost? {
        if case .lost(let lost) = status { return lost }
        return nil
    }

    /// How many times the lease has been renewed.
    public var renewalCount: Int { state.withLock { $0.renewals } }

    /// Suspends until the lease is lost (returning the loss) or released (returning nil).
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    public func waitUntilLost() async throws -> LockLost? {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            state.registering.insert(state.nextWaiter)
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LockLost?, any Error>) in
                enum Action { case wait, cancel, resume(LockLost?) }
                let action = state.withLock { state -> Action in
                    state.registering.remove(id)
                    if state.cancelledBeforeStart.remove(id) != nil { return .cancel }
                    if let settled = state.settled { return .resume(settled) }
                    state.waiters[id] = continuation
                    return .wait
                }
                switch action {
                case .wait: break
                case .cancel: continuation.resume(throwing: CancellationError())
                case .resume(let lost): continuation.resume(returning: lost)
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<LockLost?, any Error>? in
                if state.registering.contains(id) { state.cancelledBeforeStart.insert(id) }
                return state.waiters.removeValue(forKey: id)
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Marks the lease lost and wakes everyone waiting for that. Does nothing (and returns
    /// false) when the lease was already released or lost. Lock implementations call this.
    @discardableResult
    public func markLost(_ reason: LockLost.Reason, underlying: (any Error)? = nil) -> Bool {
        settle(.lost(LockLost(key: key, fencingToken: fencingToken, reason: reason, underlying: underlying)))
    }

    /// Marks the lease released. Does nothing (and returns false) when it was already
    /// released or lost. Lock implementations call this.
    @discardableResult
    public func markReleased() -> Bool {
        settle(.released)
    }

    /// Counts one successful renewal. Lock implementations call this.
    public func recordRenewal() {
        state.withLock { $0.renewals += 1 }
    }

    private func settle(_ status: Status) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<LockLost?, any Error>]? in
            guard case .held = state.status else { return nil }
            state.status = status
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        let lost: LockLost? = if case .lost(let lost) = status { lost } else { nil }
        for waiter in waiters { waiter.resume(returning: lost) }
        return true
    }
}
