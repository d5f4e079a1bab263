import Hummingbird

/// Answers `503 Service Unavailable` when a request takes longer than a time limit, and
/// cancels its handler.
///
/// Handlers should honour task cancellation (Roost's clients do); one that ignores it
/// delays the 503 until it returns. Add it inside ``ErrorEnvelopeMiddleware`` so the 503
/// is an envelope.
///
/// ```swift
/// router.add(middleware: RequestTimeoutMiddleware(timeout: .seconds(30)))
/// ```
public struct RequestTimeoutMiddleware<Context: RequestContext, C: Clock>: RouterMiddleware
where C.Duration == Duration {
    private let timeout: Duration
    private let clock: C

    /// Creates the middleware with a time limit measured on `clock`.
    public init(timeout: Duration, clock: C) {
        self.timeout = timeout
        self.clock = clock
    }

    /// Runs the rest of the chain, racing it against the time limit.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // Safe: the closure is called once, by one child task, and the group below
            // ends (waiting for that child) before `withoutActuallyEscaping` returns.
            nonisolated(unsafe) let handler = next
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler(request, context) }
                group.addTask {
                    try await clock.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let response = try await group.next() ?? nil else {
                    throw HTTPError(.serviceUnavailable, message: "The request took longer than \(timeout); try again later")
                }
                return response
            }
        }
    }
}

extension RequestTimeoutMiddleware where C == ContinuousClock {
    /// Creates the middleware with a time limit on the continuous clock.
    public init(timeout: Duration) {
        self.init(timeout: timeout, clock: ContinuousClock())
    }
}
