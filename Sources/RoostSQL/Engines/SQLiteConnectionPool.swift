import Logging
import NIOCore
import SQLiteNIO
import Synchronization

/// The connections of one SQLite database, borrowed and returned from any task.
///
/// A free connection is handed over under a lock, on the borrowing task: no event loop
/// hop, no timer and no suspension. Only a borrower that finds none waits, in arrival
/// order, with a timeout and honouring cancellation. Connections open lazily, up to
/// `maxConnections`; one that fails to open fails the borrower waiting longest with the
/// reason.
///
/// SQLite connections are local file handles, so this pool has none of a network pool's
/// machinery (keep-alive, reconnect with backoff, idle close): that is why it is not built
/// on `_ConnectionPoolModule` like RoostMySQL's.
final class SQLiteConnectionPool: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: UnsafeContinuation<SQLiteConnection, any Error>
        let timer: Scheduled<Void>
    }

    private struct State {
        var idle: [SQLiteConnection] = []
        var waiters = CircularBuffer<Waiter>()
        /// Connections open, being opened or being closed after a discard.
        var open = 0
        var closing = false
        /// Called once `closing` and no connection is left open.
        var onDrained: [@Sendable () -> Void] = []
    }

    /// What a change of state asks for, carried out after the lock is released.
    private enum Action {
        case none
        case hand(SQLiteConnection, to: Waiter)
        case fail(Waiter, any Error)
        case openConnection
        case close(SQLiteConnection)
    }

    let maxConnections: Int
    private let source: SQLiteSource
    private let timeout: TimeAmount
    /// Where timeouts are scheduled and futures of the connections complete.
    let eventLoop: any EventLoop
    private let logger: Logger
    private let state = Mutex(State())
    private let waiterIDs = Atomic<Int>(0)

    init(source: SQLiteSource, maxConnections: Int, timeout: TimeAmount, eventLoop: any EventLoop, logger: Logger) {
        self.source = source
        self.maxConnections = maxConnections
        self.timeout = timeout
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// A connection for the caller alone until ``release(_:)`` or ``discard(_:)``.
    ///
    /// - Throws: ``DatabaseError`` `.poolTimeout` when none became free in time,
    ///   `.closed` after ``shutdown()``, the engine's error when opening one failed;
    ///   `CancellationError` when the task was cancelled while waiting.
    func lease() async throws -> SQLiteConnection {
        let (connection, closed) = state.withLock { state in
            (state.closing ? nil : state.idle.popLast(), state.closing)
        }
        if let connection { return connection }
        if closed { throw DatabaseError.clientClosed() }
        return try await wait()
    }

    private func wait() async throws -> SQLiteConnection {
        let id = waiterIDs.add(1, ordering: .relaxed).oldValue
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                let timer = eventLoop.scheduleTask(in: timeout) { [self] in
                    withdraw(id, error: DatabaseError.poolTimeout(.sqlite))
                }
                let waiter = Waiter(id: id, continuation: continuation, timer: timer)
                let action: Action = state.withLock { state in
                    if state.closing { return .fail(waiter, DatabaseError.clientClosed()) }
                    if let connection = state.idle.popLast() { return .hand(connection, to: waiter) }
                    state.waiters.append(waiter)
                    guard state.open < maxConnections else { return .none }
                    state.open += 1
                    return .openConnection
                }
                perform(action)
                // A cancellation that came before the waiter was queued found nothing to withdraw.
                if Task.isCancelled { withdraw(id, error: CancellationError()) }
            }
        } onCancel: {
            withdraw(id, error: CancellationError())
        }
    }

    /// Gives up waiter `id`, if it still waits, with `error`.
    private func withdraw(_ id: Int, error: any Error) {
        let action: Action = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return .none }
            return .fail(state.waiters.remove(at: index), error)
        }
        perform(action)
    }

    /// Takes back a connection in a known state: to the longest waiter, else to the idle ones.
    func release(_ connection: SQLiteConnection) {
        let action: Action = state.withLock { state in
            if state.closing { return .close(connection) }
            if let waiter = state.waiters.popFirst() { return .hand(connection, to: waiter) }
            state.idle.append(connection)
            return .none
        }
        perform(action)
    }

    /// Closes a connection in an unknown state; a waiter, if any, gets a new one.
    func discard(_ connection: SQLiteConnection) async {
        do {
            try await source.close(connection).get()
        } catch {
            logger.warning("Closing a discarded SQLite connection failed", metadata: ["error": "\(error)"])
        }
        connectionGone(reopen: true)
    }

    /// Fails every waiter, closes the idle connections now and the borrowed ones when they
    /// come back, then calls `drained`.
    func shutdown(drained: @escaping @Sendable () -> Void) {
        let (idle, waiters, done): ([SQLiteConnection], CircularBuffer<Waiter>, Bool) = state.withLock { state in
            state.onDrained.append(drained)
            guard !state.closing else { return ([], [], state.open == 0) }
            state.closing = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters, state.open == 0)
        }
        for waiter in waiters { perform(.fail(waiter, DatabaseError.clientClosed())) }
        for connection in idle { perform(.close(connection)) }
        if done { connectionGone(reopen: false, count: 0) }
    }

    private func perform(_ action: Action) {
        switch action {
        case .none:
            break
        case .hand(let connection, let waiter):
            waiter.timer.cancel()
            waiter.continuation.resume(returning: connection)
        case .fail(let waiter, let error):
            waiter.timer.cancel()
            waiter.continuation.resume(throwing: error)
        case .openConnection:
            source.makeConnection(logger: logger, on: eventLoop).whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    release(connection)
                case .failure(let error):
                    openingFailed(DatabaseError.translating(error, engine: .sqlite))
                }
            }
        case .close(let connection):
            source.close(connection).whenComplete { [self] result in
                if case .failure(let error) = result {
                    logger.warning("Closing a SQLite connection failed", metadata: ["error": "\(error)"])
                }
                connectionGone(reopen: false)
            }
        }
    }

    /// A connection failed to open: the longest waiter learns why, and the next one, if
    /// any, gets its own attempt.
    private func openingFailed(_ error: any Error) {
        let action: Action = state.withLock { state in
            guard let waiter = state.waiters.popFirst() else { return .none }
            return .fail(waiter, error)
        }
        perform(action)
        connectionGone(reopen: true)
    }

    /// Counts `count` connections as no longer open; opens one for a waiter when asked, or
    /// reports the pool drained when it is closing and none is left.
    private func connectionGone(reopen: Bool, count: Int = 1) {
        let (action, drained): (Action, [@Sendable () -> Void]) = state.withLock { state in
            state.open -= count
            if state.closing {
                guard state.open == 0 else { return (.none, []) }
                defer { state.onDrained = [] }
                return (.none, state.onDrained)
            }
            guard reopen, !state.waiters.isEmpty, state.open < maxConnections else { return (.none, []) }
            state.open += 1
            return (.openConnection, [])
        }
        perform(action)
        for callback in drained { callback() }
    }
}
