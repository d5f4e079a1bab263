import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// Answers `503 Service Unavailable` when a request takes longer than a time limit, and
/// cancels its handler.
///
/// The handler runs in one child task, started at once on the caller's thread (a handler
/// that never suspends finishes without a task switch); the time limit is a deadline on a shared
/// ``TickingRequestTimer`` (no thread sleeping, no event-loop wake-up per request). Handlers should honour task
/// cancellation (Roost's clients do); one that ignores it delays the 503 until it returns.
/// Add it inside ``ErrorEnvelopeMiddleware`` so the 503 is an envelope.
///
/// ```swift
/// router.add(middleware: RequestTimeoutMiddleware(timeout: .seconds(30)))
/// ```
public struct RequestTimeoutMiddleware<Context: RequestContext, Timer: RequestTimer>: RouterMiddleware {
    private let timeout: Duration
    private let timer: Timer

    /// Creates the middleware with a time limit kept by `timer`.
    public init(timeout: Duration, timer: Timer) {
        self.timeout = timeout
        self.timer = timer
    }

    /// Runs the rest of the chain, racing it against the time limit.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // Safe: the closure is called once, by one child task, and the group below
            // ends (waiting for that child) before `withoutActuallyEscaping` returns.
            nonisolated(unsafe) let handler = next
            return try await withThrowingTaskGroup(of: Void.self) { group in
                let race = TimeoutRace()
                group.addImmediateTask {
                    do { race.finish(.response(try await handler(request, context))) } catch { race.finish(.failure(error)) }
                }
                // A handler that never suspended has finished by now and needs no deadline.
                let outcome: TimeoutRace.Outcome
                if let finished = race.finished {
                    outcome = finished
                } else {
                    let scheduled = timer.schedule(after: timeout) { race.finish(.timedOut) }
                    outcome = await race.outcome()
                    timer.cancel(scheduled)
                }
                switch outcome {
                case .response(let response):
                    return response
                case .failure(let error):
                    throw error
                case .timedOut:
                    group.cancelAll()
                    throw HTTPError(.serviceUnavailable, message: "The request took longer than \(timeout); try again later")
                }
            }
        }
    }
}

extension RequestTimeoutMiddleware where Timer == TickingRequestTimer {
    /// Creates the middleware with a time limit kept by the shared ``TickingRequestTimer``
    /// (it fires up to 100 ms late).
    public init(timeout: Duration) {
        self.init(timeout: timeout, timer: TickingRequestTimer.shared)
    }
}

/// Schedules the callback that ends an overrunning request.
public protocol RequestTimer: Sendable {
    /// A handle to a scheduled callback.
    associatedtype Handle: Sendable
    /// Calls `action` once after `delay`, unless cancelled first.
    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Handle
    /// Cancels a callback that has not run yet.
    func cancel(_ handle: Handle)
}

/// A ``RequestTimer`` with one precise SwiftNIO event-loop timer per request.
public struct EventLoopRequestTimer: RequestTimer {
    private let group: any EventLoopGroup

    /// Creates a timer on `group`, SwiftNIO's shared event loops by default.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    /// Schedules `action` on one of the group's event loops.
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> NIOCore.Scheduled<Void> {
        group.any().scheduleTask(in: TimeAmount(delay), action)
    }

    /// Cancels the scheduled task.
    public func cancel(_ handle: NIOCore.Scheduled<Void>) {
        handle.cancel()
    }
}

/// The first of "the handler answered", "the handler failed" and "time is up".
private final class TimeoutRace: Sendable {
    enum Outcome: Sendable {
        case response(Response)
        case failure(any Error)
        case timedOut
    }

    private struct State {
        var outcome: Outcome?
        var waiter: UnsafeContinuation<Outcome, Never>?
    }

    private let state = Mutex(State())

    /// Records an outcome; only the first counts.
    func finish(_ outcome: Outcome) {
        let waiter = state.withLock { state -> UnsafeContinuation<Outcome, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// The first outcome, if there is one yet.
    var finished: Outcome? {
        state.withLock { $0.outcome }
    }

    /// Waits for the first outcome.
    func outcome() async -> Outcome {
        await withUnsafeContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
