import RoostCore

/// Thrown by ``retry(maxAttempts:backoff:clock:random:shouldRetry:operation:)`` when every
/// attempt failed with a retryable error. ``underlying`` is the last attempt's error.
public struct RetryExhaustedError: RoostError {
    /// How many attempts were made.
    public let attempts: Int
    /// The error of the last attempt.
    public let lastError: any Error

    /// Creates the error.
    public init(attempts: Int, lastError: any Error) {
        self.attempts = attempts
        self.lastError = lastError
    }

    /// `tasks.retry.exhausted`
    public var code: ErrorCode { "tasks.retry.exhausted" }
    /// What happened and what to do.
    public var message: String {
        "The operation failed \(attempts) times in a row; see the cause, fix it, or allow more attempts or a longer backoff."
    }
    /// The last attempt's error.
    public var underlying: (any Error)? { lastError }
}

/// Runs `operation` until it succeeds, retrying failures that `shouldRetry` accepts,
/// waiting on `clock` between attempts as `backoff` says.
///
/// - An error that `shouldRetry` rejects is rethrown at once, unchanged.
/// - After `maxAttempts` failed attempts the call throws ``RetryExhaustedError`` carrying
///   the last error.
/// - Cancellation during a wait throws `CancellationError` without another attempt.
///
/// ```swift
/// let row = try await retry(
///     maxAttempts: 5,
///     backoff: Backoff(base: .milliseconds(50), cap: .seconds(2)),
///     shouldRetry: { $0 is ConnectionError }
/// ) {
///     try await database.fetchUser(id: 42)
/// }
/// ```
///
/// - Parameters:
///   - maxAttempts: Total attempts including the first; at least 1.
///   - backoff: The delay policy between attempts.
///   - clock: The clock to wait on (inject a test clock in tests).
///   - random: The source of jitter.
///   - shouldRetry: Whether an error is worth another attempt (default: every error).
///   - operation: The work to attempt.
public func retry<C: Clock, Value>(
    maxAttempts: Int,
    backoff: Backoff,
    clock: C,
    random: some RandomNumberGenerator = SystemRandomNumberGenerator(),
    shouldRetry: (any Error) -> Bool = { _ in true },
    operation: () async throws -> Value
) async throws -> Value where C.Duration == Duration {
    precondition(maxAttempts >= 1, "retry needs at least one attempt")
    var random = random
    var attempt = 1
    while true {
        do {
            return try await operation()
        } catch {
            guard shouldRetry(error), !(error is CancellationError) else { throw error }
            guard attempt < maxAttempts else { throw RetryExhaustedError(attempts: attempt, lastError: error) }
            let wait = backoff.delay(beforeRetry: attempt, using: &random)
            try await clock.sleep(for: wait)
            attempt += 1
        }
    }
}

/// ``retry(maxAttempts:backoff:clock:random:shouldRetry:operation:)`` on the system's
/// `ContinuousClock`.
public func retry<Value>(
    maxAttempts: Int,
    backoff: Backoff,
    shouldRetry: (any Error) -> Bool = { _ in true },
    operation: () async throws -> Value
) async throws -> Value {
    try await retry(
        maxAttempts: maxAttempts, backoff: backoff, clock: ContinuousClock(), shouldRetry: shouldRetry,
        operation: operation)
}
