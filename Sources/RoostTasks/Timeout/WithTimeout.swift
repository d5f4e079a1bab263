import RoostCore

/// The error thrown by ``withTimeout(_:clock:operation:)`` when the operation did not
/// finish in time.
public struct TimeoutError: RoostError, Equatable {
    /// The time limit that passed.
    public let timeout: Duration

    /// Creates the error.
    public init(timeout: Duration) { self.timeout = timeout }

    /// `tasks.timeout`.
    public var code: ErrorCode { "tasks.timeout" }

    /// What happened and what to do.
    public var message: String {
        "The operation did not finish within \(timeout) and was cancelled; retry later or allow more time."
    }
}

/// Runs `operation` and returns its result, or cancels it and throws ``TimeoutError`` if it
/// has not finished after `timeout` on `clock`.
///
/// The operation is cancelled cooperatively: this function returns once the operation has
/// ended, so an operation that ignores cancellation delays the error. An error thrown by
/// the operation before the deadline is rethrown unchanged.
///
/// ```swift
/// let user = try await withTimeout(.seconds(2)) { try await api.fetchUser(id) }
/// ```
public func withTimeout<Value: Sendable, C: Clock>(
    _ timeout: Duration, clock: C, operation: @escaping @Sendable () async throws -> Value
) async throws -> Value where C.Duration == Duration {
    try await withThrowingTaskGroup(of: TimeoutRace<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await clock.sleep(for: timeout)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard case .finished(let value) = try await group.next()! else { throw TimeoutError(timeout: timeout) }
        return value
    }
}

/// Runs `operation` with a time limit measured on the system's continuous clock; see
/// ``withTimeout(_:clock:operation:)``.
public func withTimeout<Value: Sendable>(
    _ timeout: Duration, operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withTimeout(timeout, clock: ContinuousClock(), operation: operation)
}

/// The outcome of the first child to end in ``withTimeout(_:clock:operation:)``.
private enum TimeoutRace<Value: Sendable>: Sendable {
    case finished(Value)
    case timedOut
}
