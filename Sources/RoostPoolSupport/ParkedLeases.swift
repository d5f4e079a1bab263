import ServiceLifecycle
import Synchronization
import _ConnectionPoolModule

/// Connections returned while nobody waited, kept leased and handed to the next caller
/// under one lock, in front of a `_ConnectionPoolModule` pool.
///
/// Returning a connection to that pool schedules its keep-alive and idle timers (each a
/// task and a sleep), and the next lease cancels them again; at a lease per statement
/// that cost as much as the statement. A parked connection skips both. So that the pool
/// still pings, ages and closes connections, a connection parked longer than
/// `maximumParkTime` goes back to it (``sweep()``), the most recently returned connection
/// is taken first so that surplus ones age out, and while any caller waits on the pool
/// returned connections go to the pool, never to the park.
///
/// A driver's pool leases through ``lease(timeout:submit:cancel:failure:)``, gives
/// connections back with ``park(_:)``, and runs the generic pool through
/// ``run(pool:forceShutdown:)``, which sweeps beside it and empties the park before the
/// pool shuts down.
public final class ParkedLeases<Connection: PooledConnection>: Sendable {
    private struct Parked {
        let lease: ConnectionLease<Connection>
        let since: ContinuousClock.Instant
    }

    private struct State {
        var parked: [Parked] = []
        /// Callers that found the park empty and are leasing from the pool.
        var waiting = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let observer: PoolObserver?
    private let isUsable: @Sendable (Connection) -> Bool
    private let requestIDs = Atomic<Int>(0)
    /// How long a connection may stay parked before it goes back to the pool.
    public let maximumParkTime: Duration

    /// - Parameters:
    ///   - maximumParkTime: How long a connection may stay parked; keep it well below the
    ///     pool's keep-alive frequency and idle timeout.
    ///   - observer: Told of every lease and return, for the pool's gauges.
    ///   - isUsable: Whether a connection can still serve a caller (it has not closed).
    public init(
        maximumParkTime: Duration = .seconds(1), observer: PoolObserver? = nil,
        isUsable: @escaping @Sendable (Connection) -> Bool
    ) {
        self.maximumParkTime = maximumParkTime
        self.observer = observer
        self.isUsable = isUsable
    }

    /// A connection: the most recently parked usable one, else one leased from the pool.
    /// Waiting for the pool honours cancellation and throws `failure(.timeout)` after
    /// `timeout`; `submit` and `cancel` are the pool's `leaseConnection` and
    /// `cancelLeaseConnection`, and `failure` maps the pool's failures to the driver's error.
    public func lease(
        timeout: Duration,
        submit: @escaping @Sendable (PoolLeaseRequest<Connection>) -> Void,
        cancel: @escaping @Sendable (Int) -> Void,
        failure: (PoolLeaseFailure) -> any Error
    ) async throws -> ConnectionLease<Connection> {
        if let lease = take() { return lease }
        defer { stopWaiting() }
        let deadline = ContinuousClock.now + timeout
        var remaining = timeout
        while true {
            let lease = try await leasePooledConnection(
                id: requestIDs.add(1, ordering: .relaxed).oldValue, timeout: remaining, observer: observer,
                submit: submit, cancel: cancel, failure: failure)
            if isUsable(lease.connection) { return lease }
            // The connection closed before the pool heard of it; once the pool has, it does
            // not hand the connection out again.
            await retire(lease)
            remaining = max(deadline - .now, .zero)
        }
    }

    /// Closes a leased connection that failed (the server ended it, say), waits until the
    /// pool has seen it close, and gives it back: no caller is handed it again, even when
    /// its channel had not noticed the end yet.
    public func retire(_ lease: ConnectionLease<Connection>) async {
        let connection = lease.connection
        connection.close()
        await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
            connection.onClose { _ in closed.resume() }
        }
        observer?.returned()
        lease.release()
    }

    /// The most recently parked usable lease, or nil; then the caller counts as waiting on
    /// the pool until ``stopWaiting()``. Parked connections found unusable (closed
    /// meanwhile) go back to the pool.
    func take() -> ConnectionLease<Connection>? {
        while true {
            let parked: Parked? = state.withLock { state in
                if let parked = state.parked.popLast() { return parked }
                state.waiting += 1
                return nil
            }
            guard let parked else { return nil }
            if isUsable(parked.lease.connection) {
                observer?.leasedWithoutWaiting()
                return parked.lease
            }
            parked.lease.release()
        }
    }

    /// Ends the wait begun by a ``take()`` that gave nil.
    func stopWaiting() {
        state.withLock { $0.waiting -= 1 }
    }

    /// Takes back a leased connection: keeps it for the next caller, or returns it to the
    /// pool when it is unusable, a caller waits there or the park is closed.
    public func park(_ lease: ConnectionLease<Connection>) {
        observer?.returned()
        guard isUsable(lease.connection) else { return lease.release() }
        let now = ContinuousClock.now
        let parked = state.withLock { state in
            guard state.waiting == 0, !state.closed else { return false }
            state.parked.append(Parked(lease: lease, since: now))
            return true
        }
        if !parked { lease.release() }
    }

    /// Runs `pool` (the pool's `run()`) with ``sweep()`` beside it, until the task is
    /// cancelled or a graceful shutdown begins; then the parked connections go back to the
    /// pool, which closes them as it shuts down.
    public func run(pool: @escaping @Sendable () async -> Void, forceShutdown: @escaping @Sendable () -> Void) async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await pool() }
                group.addTask { await self.sweep() }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.close()
            forceShutdown()
        }
    }

    /// Returns connections parked longer than ``maximumParkTime`` to the pool, every
    /// ``maximumParkTime``, until the task is cancelled; then closes the park.
    public func sweep() async {
        while (try? await Task.sleep(for: maximumParkTime)) != nil {
            releaseParked(before: .now - maximumParkTime)
        }
        close()
    }

    /// Returns the connections parked before `deadline` to the pool.
    func releaseParked(before deadline: ContinuousClock.Instant) {
        let stale: [Parked] = state.withLock { state in
            // Oldest first: the park is a stack.
            let fresh = state.parked.firstIndex { $0.since >= deadline } ?? state.parked.endIndex
            defer { state.parked.removeFirst(fresh) }
            return Array(state.parked[..<fresh])
        }
        for parked in stale { parked.lease.release() }
    }

    /// Returns every parked connection to the pool; later returns go straight to it.
    public func close() {
        let parked: [Parked] = state.withLock { state in
            state.closed = true
            defer { state.parked = [] }
            return state.parked
        }
        for parked in parked { parked.lease.release() }
    }
}
