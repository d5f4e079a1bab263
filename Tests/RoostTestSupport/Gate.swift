import Testing
import Synchronization

/// A one-shot barrier for tests: tasks wait on it until the test opens it.
///
/// ```swift
/// let gate = Gate()
/// async let work: Void = gate.wait()
/// gate.open()
/// await work
/// ```
public final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates a closed gate.
    public init() {}

    /// The number of tasks waiting at the gate.
    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Suspends until the gate is open or the task is cancelled; returns at once if it
    /// already is open. Returning on cancellation lets a failing test unwind instead of
    /// hanging on a gate it will never open.
    public func wait() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Opens the gate and releases every waiter, now and later.
    public func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }
}

/// Yields until `condition` holds, for states reached by other tasks without a signal
/// (for example "three callers are queued"). Fails after `limit` yields so that a broken
/// expectation cannot hang a test.
public func eventually(
    _ limit: Int = 100_000, _ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation
) async {
    for _ in 0..<limit {
        if condition() { return }
        await Task.yield()
    }
    Issue.record("condition did not become true", sourceLocation: sourceLocation)
}

/// Thrown by ``pollUntil(_:within:every:_:sourceLocation:)`` when the condition never held.
public struct PollTimedOut: Error, CustomStringConvertible {
    /// What was waited for.
    public let what: String
    public var description: String { "timed out waiting until \(what)" }
}

/// Polls `condition` on real time until it holds, for servers and other processes that
/// the test cannot drive with a manual clock. Records an issue and throws
/// ``PollTimedOut`` when `within` passes first.
public func pollUntil(
    _ what: String = "the condition holds", within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out after \(limit) waiting until \(what)", sourceLocation: sourceLocation)
            throw PollTimedOut(what: what)
        }
        try await Task.sleep(for: interval)
    }
}
