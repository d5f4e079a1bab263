import NIOCore
import Synchronization

/// The subscriber's shared state: which subscriptions want which targets, and the current
/// connection. Commands that change the server's subscriptions are handed to the
/// connection while the lock is held, so they reach the server in the order the state
/// changed (an `UNSUBSCRIBE x` can never overtake a later `SUBSCRIBE x`).
final class RedisSubscriptionRegistry: Sendable {
    /// One subscription's delivery state.
    private struct Entry {
        let targets: Set<RedisSubscriptionTarget>
        let continuation: AsyncStream<RedisPubSubEvent>.Continuation
        /// The server confirmed the targets on some connection.
        var active = false
        /// The connection broke after the subscription was active: report a gap once it is
        /// subscribed again.
        var interrupted = false
        /// Messages dropped because the consumer's buffer was full, not yet reported.
        var dropped = 0
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var members: [RedisSubscriptionTarget: Set<Int>] = [:]
        var nextID = 0
        /// The current connection; `ready` once every registered target is subscribed on it.
        var connection: RedisConnection?
        var ready = false
        /// Counts connections made ready, so a waiter can ask for a newer one.
        var generation = 0
        var waiters: [Int: (after: Int, continuation: CheckedContinuation<(RedisConnection, Int), any Error>)] = [:]
        var stopped = false
    }

    private let state = Mutex(State())

    /// Registers a subscription; returns its id, or `nil` when the subscriber has stopped.
    func add(_ targets: Set<RedisSubscriptionTarget>, continuation: AsyncStream<RedisPubSubEvent>.Continuation) -> Int? {
        state.withLock { state in
            guard !state.stopped else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(targets: targets, continuation: continuation)
            for target in targets { state.members[target, default: []].insert(id) }
            return id
        }
    }

    /// Sends the subscribe commands for `id`'s targets on `connection` if it is still the
    /// ready one, in the same critical section; `nil` if it is not, none if `id` is gone.
    func subscribe(_ id: Int, on connection: RedisConnection) -> [EventLoopFuture<RESPValue>]? {
        state.withLock { state in
            guard state.ready, state.connection === connection else { return nil }
            guard let entry = state.entries[id] else { return [] }
            return Self.commands(RedisSubscriptionTarget.Kind.allCases, entry.targets, subscribe: true, on: connection)
        }
    }

    /// Marks `id` active: from now on a broken connection is reported to it as a gap.
    func activate(_ id: Int) {
        state.withLock { $0.entries[id]?.active = true }
    }

    /// Unregisters `id` and finishes its stream; returns the unsubscribe commands sent for
    /// targets nobody else holds. Removing an id twice is harmless.
    func remove(_ id: Int) -> [EventLoopFuture<RESPValue>] {
        let (continuation, futures) = state.withLock {
            state -> (AsyncStream<RedisPubSubEvent>.Continuation?, [EventLoopFuture<RESPValue>]) in
            guard let entry = state.entries.removeValue(forKey: id) else { return (nil, []) }
            var orphaned: Set<RedisSubscriptionTarget> = []
            for target in entry.targets {
                state.members[target]?.remove(id)
                if state.members[target]?.isEmpty == true {
                    state.members[target] = nil
                    orphaned.insert(target)
                }
            }
            guard let connection = state.connection, !orphaned.isEmpty else { return (entry.continuation, []) }
            return (
                entry.continuation,
                Self.commands(RedisSubscriptionTarget.Kind.allCases, orphaned, subscribe: false, on: connection)
            )
        }
        // Outside the lock: finishing runs the stream's termination handler, which removes
        // the subscription (again).
        continuation?.finish()
        return futures
    }

    /// A new connection is up: sends subscribe commands for every registered target.
    func resubscribe(on connection: RedisConnection) -> [EventLoopFuture<RESPValue>] {
        state.withLock { state in
            state.connection = connection
            state.ready = false
            return Self.commands(
                RedisSubscriptionTarget.Kind.allCases, Set(state.members.keys), subscribe: true, on: connection)
        }
    }

    /// Every target is subscribed on `connection`: wakes waiters and reports the gap to
    /// subscriptions that were interrupted.
    func ready(_ connection: RedisConnection) {
        let (resumed, generation) = state.withLock {
            state -> ([CheckedContinuation<(RedisConnection, Int), any Error>], Int) in
            guard state.connection === connection else { return ([], 0) }
            state.ready = true
            state.generation += 1
            for id in Array(state.entries.keys) where state.entries[id]!.interrupted {
                state.entries[id]!.interrupted = false
                state.entries[id]!.continuation.yield(.gap(.reconnected))
            }
            let due = state.waiters.filter { $0.value.after < state.generation }
            for key in due.keys { state.waiters[key] = nil }
            return (due.values.map { $0.continuation }, state.generation)
        }
        for continuation in resumed { continuation.resume(returning: (connection, generation)) }
    }

    /// The connection broke: active subscriptions will get a gap once subscribed again.
    func disconnected(_ connection: RedisConnection) {
        state.withLock { state in
            guard state.connection === connection else { return }
            state.connection = nil
            state.ready = false
            for id in Array(state.entries.keys) where state.entries[id]!.active {
                state.entries[id]!.interrupted = true
            }
        }
    }

    /// The subscriber stopped: ends every subscription and fails every waiter.
    func stop(_ error: any Error) {
        let (waiters, continuations) = state.withLock { state in
            state.stopped = true
            state.connection = nil
            state.ready = false
            let waiters = state.waiters.values.map { $0.continuation }
            state.waiters = [:]
            return (waiters, state.entries.values.map(\.continuation))
        }
        for continuation in continuations { continuation.finish() }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// Waits for a ready connection of a generation above `after`; returns it and its
    /// generation. Throws `error` if the subscriber stops, `CancellationError` if cancelled.
    func waitForConnection(after: Int, stoppedError: any Error) async throws -> (RedisConnection, Int) {
        let key = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<(RedisConnection, Int), any Error>? = state.withLock { state in
                    if state.stopped { return .failure(stoppedError) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.ready, state.generation > after, let connection = state.connection {
                        return .success((connection, state.generation))
                    }
                    state.waiters[key] = (after, continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Delivers a message to every subscription holding its target.
    func deliver(_ message: RedisPubSubMessage) {
        state.withLock { state in
            guard let ids = state.members[message.target] else { return }
            for id in ids {
                guard var entry = state.entries[id] else { continue }
                if entry.dropped > 0 {
                    guard case .enqueued = entry.continuation.yield(.gap(.bufferOverflow(droppedMessages: entry.dropped)))
                    else {
                        entry.dropped += 1
                        state.entries[id] = entry
                        continue
                    }
                    entry.dropped = 0
                }
                if case .dropped = entry.continuation.yield(.message(message)) { entry.dropped += 1 }
                state.entries[id] = entry
            }
        }
    }

    /// One subscribe or unsubscribe command per kind of target, written in order.
    private static func commands(
        _ kinds: [RedisSubscriptionTarget.Kind], _ targets: Set<RedisSubscriptionTarget>, subscribe: Bool,
        on connection: RedisConnection
    ) -> [EventLoopFuture<RESPValue>] {
        kinds.compactMap { kind in
            let names = targets.filter { $0.kind == kind }.map(\.name).sorted()
            guard let first = targets.first(where: { $0.kind == kind }) else { return nil }
            let name = subscribe ? first.subscribeCommand : first.unsubscribeCommand
            return connection.write(
                RedisCommand(name, arguments: names.map { .string($0) }), confirmations: names.count)
        }
    }
}
