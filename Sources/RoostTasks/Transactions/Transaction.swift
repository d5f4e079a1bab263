import Synchronization

/// A unit of work that ends once, either committed or rolled back, running the hooks
/// registered for that outcome (the peers' `Transaction` with commit and rollback
/// callbacks).
///
/// Register what must happen after success with ``onCommit(_:)`` (publish an event, clear
/// a cache) and what undoes partial work with ``onRollback(_:)`` (delete an uploaded file).
/// Commit hooks run in the order they were added; rollback hooks in reverse order, so that
/// the last step is undone first. Every hook of the outcome runs even when one fails; the
/// failures are thrown together as ``TransactionError``.
///
/// ``withTransaction(_:)`` gives a transaction a scope: if the scope ends (returns or throws)
/// before the transaction was finished, it is rolled back.
///
/// ```swift
/// try await withTransaction { transaction in
///     let file = try await storage.upload(image)
///     transaction.onRollback { try await storage.delete(file) }
///     transaction.onCommit { await events.dispatch(.imageAdded(file)) }
///     try await database.insert(ImageRecord(file))
///     try await transaction.commit()
/// }
/// ```
public final class Transaction: Sendable {
    /// Where a transaction is in its life.
    public enum State: Sendable, Hashable {
        /// Accepting hooks; neither committed nor rolled back.
        case open
        /// ``commit()`` was called.
        case committed
        /// ``rollback()`` was called.
        case rolledBack
    }

    private struct Storage {
        var state = State.open
        var commitHooks: [@Sendable () async throws -> Void] = []
        var rollbackHooks: [@Sendable () async throws -> Void] = []
    }

    private let storage = Mutex(Storage())

    /// Creates an open transaction.
    public init() {}

    /// Where the transaction is in its life.
    public var state: State { storage.withLock { $0.state } }

    /// Adds a hook that runs on ``commit()``.
    ///
    /// - Precondition: The transaction is open.
    public func onCommit(_ hook: @escaping @Sendable () async throws -> Void) {
        storage.withLock { storage in
            precondition(storage.state == .open, "hook added to a finished transaction")
            storage.commitHooks.append(hook)
        }
    }

    /// Adds a hook that runs on ``rollback()``.
    ///
    /// - Precondition: The transaction is open.
    public func onRollback(_ hook: @escaping @Sendable () async throws -> Void) {
        storage.withLock { storage in
            precondition(storage.state == .open, "hook added to a finished transaction")
            storage.rollbackHooks.append(hook)
        }
    }

    /// Commits: runs every commit hook in the order added.
    ///
    /// - Throws: ``TransactionError`` if the transaction was already finished, or listing
    ///   the hooks that failed (the transaction counts as committed either way).
    public func commit() async throws(TransactionError) {
        let hooks = try finish(as: .committed)
        try await run(hooks, outcome: .committed)
    }

    /// Rolls back: runs every rollback hook, the last added first.
    ///
    /// - Throws: ``TransactionError`` if the transaction was already finished, or listing
    ///   the hooks that failed (the transaction counts as rolled back either way).
    public func rollback() async throws(TransactionError) {
        let hooks = try finish(as: .rolledBack)
        try await run(hooks.reversed(), outcome: .rolledBack)
    }

    private func finish(as outcome: State) throws(TransactionError) -> [@Sendable () async throws -> Void] {
        try storage.withLock { storage throws(TransactionError) in
            guard storage.state == .open else {
                throw TransactionError(reason: .alreadyFinished(storage.state), hookErrors: [])
            }
            storage.state = outcome
            defer {
                storage.commitHooks = []
                storage.rollbackHooks = []
            }
            return outcome == .committed ? storage.commitHooks : storage.rollbackHooks
        }
    }

    private func run(_ hooks: [@Sendable () async throws -> Void], outcome: State) async throws(TransactionError) {
        var errors: [any Error] = []
        for hook in hooks {
            do { try await hook() } catch { errors.append(error) }
        }
        guard errors.isEmpty else {
            throw TransactionError(reason: .hooksFailed(outcome, count: errors.count), hookErrors: errors)
        }
    }
}

/// Runs `body` with a new ``Transaction`` and rolls it back if `body` leaves it open,
/// whether `body` returns or throws.
///
/// `body` decides the outcome by calling ``Transaction/commit()`` (or
/// ``Transaction/rollback()``).
///
/// - Throws: `body`'s error after the rollback; or, when rollback hooks fail, a
///   ``TransactionError`` listing them, whose `underlying` is `body`'s error if it threw.
public func withTransaction<Value>(_ body: (Transaction) async throws -> Value) async throws -> Value {
    let transaction = Transaction()
    let value: Value
    do {
        value = try await body(transaction)
    } catch {
        if transaction.state == .open {
            do {
                try await transaction.rollback()
            } catch let rollbackError {
                throw TransactionError(
                    reason: rollbackError.reason, hookErrors: rollbackError.hookErrors, underlying: error)
            }
        }
        throw error
    }
    if transaction.state == .open { try await transaction.rollback() }
    return value
}
