import Foundation

/// Runs CPU-heavy synchronous test work on a thread of its own and waits for it without
/// blocking.
///
/// Tests run on the cooperative pool, which has one thread per core: a test that computes
/// for seconds on one of them slows every other test down, and starves the ones that
/// measure time.
///
/// ```swift
/// let size = try await onOwnThread { try writeHundredThousandRows(to: path) }
/// ```
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
