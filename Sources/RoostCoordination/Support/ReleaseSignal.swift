import RoostTasks
import Synchronization

/// Wakes in-process waiters when something is released, and counts releases so that a
/// waiter can tell whether one happened since it last looked (no missed wake-ups).
final class ReleaseSignal: Sendable {
    private struct State {
        var releases: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The number of releases so far.
    var count: UInt64 { state.withLock { $0.releases } }

    /// Counts a release and wakes every waiter.
    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.releases += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Suspends until a release after the `seen`-th happens, or the task is cancelled.
    func wait(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.releases != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Runs `check` until it returns a value; between checks waits for a release (woken
    /// at once) or a jittered `backoff` delay (for expiry), until `timeout` has passed on
    /// `clock`, then throws `timeoutError()`.
    func poll<C: Clock, Value>(
        clock: C, backoff: Backoff, timeout: Duration, timeoutError: () -> any Error, check: () -> Value?
    ) async throws -> Value where C.Duration == Duration {
        let deadline = clock.now.advanced(by: timeout)
        var random = SystemRandomNumberGenerator()
        var retry = 0
        while true {
            let seen = count
            if let value = check() { return value }
            let now = clock.now
            guard now < deadline else { throw timeoutError() }
            retry += 1
            let wake = min(now.advanced(by: backoff.delay(beforeRetry: retry, using: &random)), deadline)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.wait(after: seen) }
                group.addTask {
                    // Cancellation only means the release came first (or the caller left,
                    // which the check below reports).
                    try? await clock.sleep(until: wake, tolerance: nil)
                }
                await group.next()
                group.cancelAll()
            }
            try Task.checkCancellation()
        }
    }
}
