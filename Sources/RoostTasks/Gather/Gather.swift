/// Runs every operation concurrently and returns their results in the order of `operations`.
///
/// The first operation to throw cancels the others, and its error is rethrown once they
/// have all ended (the peers' `MultiTasks`, or `asyncio.gather`).
///
/// ```swift
/// let sizes = try await gather(urls.map { url in { try await fetch(url).count } })
/// ```
public func gather<Value: Sendable>(
    _ operations: [@Sendable () async throws -> Value]
) async throws -> [Value] {
    try await withThrowingTaskGroup(of: (Int, Value).self) { group in
        for (index, operation) in operations.enumerated() {
            group.addTask { (index, try await operation()) }
        }
        var results = [Value?](repeating: nil, count: operations.count)
        for try await (index, value) in group { results[index] = value }
        return results.map { $0! }
    }
}

/// Runs every operation concurrently and returns each outcome, success or failure, in the
/// order of `operations`. A failure does not cancel the others.
///
/// ```swift
/// for case .failure(let error) in await gatherSettled(jobs) { logger.error("\(error)") }
/// ```
public func gatherSettled<Value: Sendable>(
    _ operations: [@Sendable () async throws -> Value]
) async -> [Result<Value, any Error>] {
    await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
        for (index, operation) in operations.enumerated() {
            group.addTask {
                do { return (index, .success(try await operation())) } catch { return (index, .failure(error)) }
            }
        }
        var results = [Result<Value, any Error>?](repeating: nil, count: operations.count)
        for await (index, result) in group { results[index] = result }
        return results.map { $0! }
    }
}

/// Runs the operations concurrently and returns the result of the first to finish; the
/// others are cancelled and awaited before this returns.
///
/// If the first to finish throws, its error is rethrown: a race is decided by the first
/// outcome, not the first success.
///
/// ```swift
/// let answer = try await race([
///     { try await primary.fetch(key) },
///     { try await replica.fetch(key) },
/// ])
/// ```
///
/// - Precondition: `operations` is not empty.
public func race<Value: Sendable>(
    _ operations: [@Sendable () async throws -> Value]
) async throws -> Value {
    precondition(!operations.isEmpty, "race needs at least one operation")
    return try await withThrowingTaskGroup(of: Value.self) { group in
        for operation in operations { group.addTask { try await operation() } }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
