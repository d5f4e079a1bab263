import Logging
import RoostScope
import Synchronization
import Testing

/// An ordered, thread-safe log of what happened.
final class Recorder: Sendable {
    private let entries = Mutex<[String]>([])

    func callAsFunction(_ entry: String) { entries.withLock { $0.append(entry) } }
    var events: [String] { entries.withLock { $0 } }
    func count(_ entry: String) -> Int { events.filter { $0 == entry }.count }
    func contains(_ entry: String) -> Bool { events.contains(entry) }
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new value.
    @discardableResult
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var current: Int { value.withLock { $0 } }
}

/// A one-shot signal that tasks can wait for; waiting is cancellable.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [Int: UnsafeContinuation<Void, any Error>] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                state.withLock { state in
                    if state.cancelled.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                    } else if state.isOpen {
                        continuation.resume()
                    } else {
                        state.waiters[id] = continuation
                    }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: id)
                if waiter == nil { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// Suspends until the task is cancelled, then throws `CancellationError`.
func untilCancelled() async throws {
    try await Gate().wait()
}

/// An error with an identity, to check that errors arrive unchanged.
struct Boom: Error, Equatable {
    let id: Int
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting until \(what)" }
}

/// Yields until `condition` holds; fails after a generous real-time bound so that a broken
/// implementation fails instead of hanging. No timing is asserted.
func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    while !condition() {
        if start.duration(to: clock.now) > .seconds(30) { throw TimedOut(what: what) }
        await Task.yield()
    }
}

/// A service factory that registers `value`, waits for its users to leave, and logs
/// `stop <name>` when it stops.
func simpleService<Value: Sendable>(
    _ value: Value, log: Recorder
) -> @Sendable (ServiceContext<Value>) async throws -> Void {
    { ctx in
        log("start \(ctx.name)")
        try ctx.register(value)
        try await ctx.noMoreDependents()
        log("stop \(ctx.name)")
    }
}

/// A log handler that keeps every entry, for checking metadata.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        let message: String
        let metadata: Logger.Metadata
    }

    final class Store: Sendable {
        let entries = Mutex<[Entry]>([])
        var all: [Entry] { entries.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.entries.withLock { $0.append(Entry(message: "\(event.message)", metadata: merged)) }
    }
}
