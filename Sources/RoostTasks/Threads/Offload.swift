import NIOPosix
import RoostCore

/// Runs blocking work (file I/O, compression, a synchronous library call) on a thread of
/// `pool` instead of the cooperative or event-loop threads, and returns its result.
///
/// The shared `NIOThreadPool.singleton` suits most programs; pass your own pool to bound the
/// threads given to one kind of work. If the caller is cancelled before a thread picks the
/// work up, it does not run and `CancellationError` is thrown; once running it finishes.
///
/// ```swift
/// let digest = try await offload { try hashFile(atPath: path) }
/// ```
///
/// - Throws: The work's own error, ``OffloadError`` if the pool has been shut down, or
///   `CancellationError`.
public func offload<Value: Sendable>(
    on pool: NIOThreadPool = .singleton, _ work: @escaping @Sendable () throws -> Value
) async throws -> Value {
    do {
        return try await pool.runIfActive(work)
    } catch is NIOThreadPoolError.ThreadPoolInactive {
        throw OffloadError()
    } catch is CancellationError where !Task.isCancelled {
        // The async `runIfActive` reports a stopped pool as a cancellation; the caller was
        // not cancelled, so that is what happened.
        throw OffloadError()
    }
}

/// ``offload(on:_:)`` was given a thread pool that is not running.
public struct OffloadError: RoostError, Equatable {
    /// Creates the error.
    public init() {}

    /// `tasks.offload.pool_inactive`.
    public var code: ErrorCode { "tasks.offload.pool_inactive" }

    /// What happened and what to do.
    public var message: String {
        "The thread pool is not running, so the blocking work was not started; start the pool before offloading work to it, or use NIOThreadPool.singleton."
    }
}
