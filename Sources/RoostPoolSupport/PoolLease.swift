import Synchronization
import _ConnectionPoolModule

/// One caller waiting for a pooled connection.
public struct PoolLeaseRequest<Connection: PooledConnection>: ConnectionRequestProtocol {
    /// The request's id, used to cancel it.
    public let id: Int
    let continuation: CheckedContinuation<ConnectionLease<Connection>, any Error>

    /// Hands the lease (or the pool's error) to the waiting caller.
    public func complete(with result: Result<ConnectionLease<Connection>, ConnectionPoolError>) {
        continuation.resume(with: result)
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
/// A request withdrawn before it reaches the pool (the task was already cancelled, or the
/// timeout fired first) is never submitted, so it cannot wait forever; one withdrawn after
/// is cancelled in the pool. Cancellation throws `CancellationError`; the other failures go
/// through `failure`, which maps them to the driver's typed error.
///
/// - Parameters:
///   - id: A request id unique within the pool.
///   - timeout: How long to wait for a free connection.
///   - observer: Told when the wait starts and how it ends, for the pool's metrics.
///   - submit: Hands the request to the pool (`pool.leaseConnection`).
///   - cancel: Cancels a submitted request (`pool.cancelLeaseConnection`).
///   - failure: The driver's error for a failure.
public func leasePooledConnection<Connection: PooledConnection>(
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
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await Task.sleep(for: timeout)
                    withdraw(.timeout)
                }
                let lease = try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<ConnectionLease<Connection>, any Error>) in
                    if let reason = state.submit() {
                        continuation.resume(throwing: error(for: reason))
                    } else {
                        submit(PoolLeaseRequest(id: id, continuation: continuation))
                    }
                }
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

/// Whether a lease request has reached the pool, and whether (and why) it was withdrawn.
final class PoolLeaseState: Sendable {
    enum Withdrawal: Sendable {
        case timeout
        case cancelled
    }

    private enum State {
        case created
        case submitted
        case withdrawn(Withdrawal)
    }

    private let state = Mutex<State>(.created)

    /// Marks the request submitted; returns the reason instead if it was withdrawn first.
    func submit() -> Withdrawal? {
        state.withLock { state in
            if case .withdrawn(let reason) = state { return reason }
            state = .submitted
            return nil
        }
    }

    /// Withdraws the request; returns whether the pool must be told to cancel it.
    func withdraw(_ reason: Withdrawal) -> Bool {
        state.withLock { state in
            switch state {
            case .created:
                state = .withdrawn(reason)
                return false
            case .submitted:
                state = .withdrawn(reason)
                return true
            case .withdrawn:
                return false
            }
        }
    }

    /// Why the request was withdrawn, if it was.
    var withdrawal: Withdrawal? {
        state.withLock { state in
            if case .withdrawn(let reason) = state { return reason }
            return nil
        }
    }
}
