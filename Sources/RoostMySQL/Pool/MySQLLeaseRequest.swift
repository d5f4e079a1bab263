import Synchronization
import _ConnectionPoolModule

/// One caller waiting for a pooled connection.
struct MySQLLeaseRequest: ConnectionRequestProtocol {
    let id: Int
    let continuation: CheckedContinuation<ConnectionLease<PooledMySQLConnection>, any Error>

    func complete(with result: Result<ConnectionLease<PooledMySQLConnection>, ConnectionPoolError>) {
        continuation.resume(with: result)
    }
}

/// Whether a lease request has reached the pool, and whether (and why) it was withdrawn.
///
/// Withdrawal can happen before the request reaches the pool (the task was already
/// cancelled); the state makes sure such a request is then never submitted, so it cannot
/// wait forever.
final class MySQLLeaseState: Sendable {
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
