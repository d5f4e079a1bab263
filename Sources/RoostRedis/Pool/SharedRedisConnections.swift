import RoostPoolSupport
import Synchronization
import _ConnectionPoolModule

/// A few pooled connections kept leased and used by many tasks at once, for
/// ``RedisConnectionPool/send(_:timeout:)`` and ``RedisConnectionPool/pipeline(_:timeout:)``.
///
/// A Redis connection answers commands in the order it received them, so tasks can share
/// one: their commands are pipelined, and commands sent at the same moment leave in one
/// system call and are read by the server in one. Callers take the connections in turn.
/// A connection found closed is given back and another leased in its place by the caller
/// that found it; until that lease arrives, callers of that slot lease a connection of
/// their own, as they would without sharing.
final class SharedRedisConnections: Sendable {
    typealias Lease = ConnectionLease<PooledRedisConnection>

    private enum Slot {
        case empty
        /// A caller is leasing the slot's connection.
        case filling
        case open(Lease)
    }

    private struct State {
        var slots: [Slot]
        var next = 0
        var closed = false
    }

    /// What a caller does with its command.
    enum Pick {
        /// Send on this shared connection.
        case shared(RedisConnection)
        /// Lease a connection, hand it to ``fill(_:with:)`` for slot
        /// `index` and send on it; first give back `stale`, the slot's closed connection,
        /// if any.
        case fill(index: Int, stale: Lease?)
        /// Lease a connection for this command alone.
        case lease
    }

    private let state: Mutex<State>

    /// `count` shared connections; 0 shares none.
    init(count: Int) {
        state = Mutex(State(slots: Array(repeating: .empty, count: max(0, count))))
    }

    /// Where the next command goes.
    func pick() -> Pick {
        state.withLock { state in
            guard !state.closed, !state.slots.isEmpty else { return .lease }
            let index = state.next
            state.next = index + 1 == state.slots.count ? 0 : index + 1
            switch state.slots[index] {
            case .open(let lease):
                if lease.connection.connection.isOpen { return .shared(lease.connection.connection) }
                state.slots[index] = .filling
                return .fill(index: index, stale: lease)
            case .empty:
                state.slots[index] = .filling
                return .fill(index: index, stale: nil)
            case .filling:
                return .lease
            }
        }
    }

    /// Makes `lease` slot `index`'s connection. Returns false when the pool is shutting
    /// down: the caller then gives the lease back itself.
    func fill(_ index: Int, with lease: Lease) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.slots[index] = .open(lease)
            return true
        }
    }

    /// The lease for slot `index` failed: the next caller of that slot tries again.
    func unfill(_ index: Int) {
        state.withLock { state in
            if case .filling = state.slots[index] { state.slots[index] = .empty }
        }
    }

    /// Stops sharing and returns the shared connections' leases, for the pool to take back.
    func close() -> [Lease] {
        state.withLock { state in
            state.closed = true
            defer { state.slots = state.slots.map { _ in .empty } }
            return state.slots.compactMap { slot in
                if case .open(let lease) = slot { lease } else { nil }
            }
        }
    }
}
