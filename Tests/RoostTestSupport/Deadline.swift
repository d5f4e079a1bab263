import Synchronization
import Testing

/// Thrown by ``withDeadline(_:_:sourceLocation:_:)`` when the work did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What did not finish.
    public let what: String
    /// The time it had.
    public let limit: Duration
    public var description: String { "\(what) did not finish within \(limit)" }
}

/// Runs `body` and fails the test if it has not finished within `limit`, instead of
/// letting one stuck await hang the whole test run.
///
/// Swift Testing's `.timeLimit` only cancels a test: work that ignores cancellation (a
/// peer that never answers, a continuation never resumed) still blocks the run forever.
/// Here the body runs in a task of its own; when the deadline passes, the task is
/// cancelled and abandoned, an issue naming `what` is recorded, and ``DeadlineExceeded``
/// is thrown, so the run goes on and the report says what hung.
///
/// ```swift
/// try await withDeadline("the client sees the broadcast", .seconds(60)) { try await client.next() }
/// ```
public func withDeadline<R: Sendable>(
    _ what: String, _ limit: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> R
) async throws -> R {
    let run = DeadlineRun<R>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            run.start(continuation, limit: limit, body) {
                Issue.record("\(what) did not finish within \(limit)", sourceLocation: sourceLocation)
                return DeadlineExceeded(what: what, limit: limit)
            }
        }
    } onCancel: {
        run.cancel()
    }
}

/// The two tasks of one ``withDeadline(_:_:sourceLocation:_:)`` call and the
/// continuation the first of them to finish resumes.
private final class DeadlineRun<R: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<R, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    // The tasks are unstructured on purpose: a structured child that never returns would
    // hold its parent forever, which is exactly what this guards against.
    func start(
        _ continuation: CheckedContinuation<R, any Error>, limit: Duration,
        _ body: @escaping @Sendable () async throws -> R, timedOut: @escaping @Sendable () -> any Error
    ) {
        state.withLock { $0.continuation = continuation }
        let work = Task {
            let result: Result<R, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            self.finish(result)
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self.finish(.failure(timedOut()))
        }
        let cancelled = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.cancelled
        }
        if cancelled { work.cancel() }
    }

    func cancel() {
        let work = state.withLock { state in
            state.cancelled = true
            return state.work
        }
        work?.cancel()
    }

    private func finish(_ result: Result<R, any Error>) {
        let (continuation, work, timer) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        guard let continuation else { return }
        timer?.cancel()
        work?.cancel()  // harmless when it has finished; abandons it when it has not
        continuation.resume(with: result)
    }
}
