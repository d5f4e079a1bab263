import Synchronization
import _ConnectionPoolModule

/// One caller waiting for a pooled connection.
public struct PoolLeaseRequest<Connection: PooledConnection>: ConnectionRequestProtocol {
    /// The request's id, used to cancel it.
    public let id: Int
    let outcome: PoolLeaseOutcome<Connection>

    /// Hands the lease (or the pool's error) to the caller, waiting or not yet.
    public func complete(with result: Result<ConnectionLease<Connection>, ConnectionPoolError>) {
        outcome.fill(result)
    }
}

/// Where the pool puts a request's result: picked up at once when the pool answered while
/// the request was being submitted (a free connection), else awaited.
final class PoolLeaseOutcome<Connection: PooledConnection>: Sendable {
    typealias Lease = ConnectionLease<Connection>

    private enum State {
        case pending
        case filled(Result<Lease, ConnectionPoolError>)
        case awaited(CheckedContinuation<Lease, any Error>)
        case delivered
    }

    private let state = Mutex<State>(.pending)

    /// Stores `result`, or hands it to the caller waiting for it. The pool answers once.
    func fill(_ result: Result<Lease, ConnectionPoolError>) {
        let waiter: CheckedContinuation<Lease, any Error>? = state.withLock { state in
            switch state {
            case .pending:
                state = .filled(result)
                return nil
            case .awaited(let continuation):
                state = .delivered
                return continuation
            case .filled, .delivered:
                preconditionFailure("A connection pool answered one lease request twice")
            }
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    /// The result if the pool has answered and nobody took it yet.
    func take() -> Result<Lease, ConnectionPoolError>? {
        state.withLock { state in
            guard case .filled(let result) = state else { return nil }
            state = .delivered
            return result
        }
    }

    /// Waits for the pool's answer.
    func wait() async throws -> Lease {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
            let result: Result<Lease, ConnectionPoolError>? = state.withLock { state in
                switch state {
                case .pending:
                    state = .awaited(continuation)
                    return nil
                case .filled(let result):
                    state = .delivered
                    return result
                case .awaited, .delivered:
                    preconditionFailure("A lease request was awaited twice")
                }
            }
            if let result { continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }
}

/// Why a lease could not be had, for the driver to turn into its own typed error.
public enum PoolLeaseFailure: Sendable {
    /// No connection became free within the lease timeout.
    case timeout(Duration)
    /// The pool is shutting down.
    case shutdown
    /// The pool failed in another way.
    case unavailable(ConnectionPoolError)
}

/// Leases a connection with a timeout, honouring task cancellation.
///
/// A task already cancelled submits nothing. When a connection is free the pool hands it
/// over while the request is submitted, and the lease costs no suspension and no timer;
/// otherwise the caller waits with a timer, and a request withdrawn by the timeout or by
/// cancellation is cancelled in the pool. Cancellation throws `CancellationError`; the
/// other failures go through `failure`, which maps them to the driver's typed error.
///
/// - Parameters:
///   - id: A request id unique within the pool.
///   - timeout: How long to wait for a free connection.
///   - observer: Told when the wait starts and how it ends, for the pool's metrics.
///   - submit: Hands the request to the pool (`pool.leaseConnection`).
///   - cancel: Cancels a submitted request (`pool.cancelLeaseConnection`).
///   - failure: The driver's error for a failure.
func leasePooledConnection<Connection: PooledConnection>(
    id: Int, timeout: Duration, observer: PoolObserver? = nil,
    submit: @escaping @Sendable (PoolLeaseRequest<Connection>) -> Void,
    cancel: @escaping @Sendable (Int) -> Void,
    failure: (PoolLeaseFailure) -> any Error
) async throws -> ConnectionLease<Connection> {
    let state = PoolLeaseState()
    observer?.waitStarted()
    do {
        let lease = try await leasePooledConnection(
            id: id, timeout: timeout, state: state, submit: submit, cancel: cancel, failure: failure)
        observer?.waitEnded(leased: true, timedOut: false)
        return lease
    } catch {
        observer?.waitEnded(leased: false, timedOut: state.withdrawal == .timeout)
        throw error
    }
}

private func leasePooledConnection<Connection: PooledConnection>(
    id: Int, timeout: Duration, state: PoolLeaseState,
    submit: @escaping @Sendable (PoolLeaseRequest<Connection>) -> Void,
    cancel: @escaping @Sendable (Int) -> Void,
    failure: (PoolLeaseFailure) -> any Error
) async throws -> ConnectionLease<Connection> {
    let withdraw: @Sendable (PoolLeaseState.Withdrawal) -> Void = { reason in
        if state.withdraw(reason) { cancel(id) }
    }
    func error(for withdrawal: PoolLeaseState.Withdrawal) -> any Error {
        switch withdrawal {
        case .timeout: failure(.timeout(timeout))
        case .cancelled: CancellationError()
        }
    }
    do {
        // A free connection is handed over while the request is submitted: then no timer
        // and no suspension is needed.
        guard !Task.isCancelled else { throw CancellationError() }
        let outcome = PoolLeaseOutcome<Connection>()
        submit(PoolLeaseRequest(id: id, outcome: outcome))
        if let result = outcome.take() { return try result.get() }
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await Task.sleep(for: timeout)
                    withdraw(.timeout)
                }
                let lease = try await outcome.wait()
                group.cancelAll()
                return lease
            }
        } onCancel: {
            withdraw(.cancelled)
        }
    } catch let poolError as ConnectionPoolError {
        if poolError == .requestCancelled, let reason = state.withdrawal { throw error(for: reason) }
        switch poolError {
        case .requestCancelled: throw CancellationError()
        case .poolShutdown: throw failure(.shutdown)
        default: throw failure(.unavailable(poolError))
        }
    }
}

/// Whether (and why) a submitted lease request was withdrawn. Requests are submitted
/// before the timer and the cancellation handler exist, so every withdrawal must be
/// cancelled in the pool; only the first one counts.
final class PoolLeaseState: Sendable {
    enum Withdrawal: Sendable {
        case timeout
        case cancelled
    }

    private let reason = Mutex<Withdrawal?>(nil)

    /// Withdraws the request; returns whether the pool must be told to cancel it (only
    /// for the first withdrawal).
    func withdraw(_ reason: Withdrawal) -> Bool {
        self.reason.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }

    /// Why the request was withdrawn, if it was.
    var withdrawal: Withdrawal? {
        reason.withLock { $0 }
    }
}
