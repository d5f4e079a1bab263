import RoostTasks
import Synchronization

/// One first-in, first-out queue per product inside this instance, in front of the
/// product's distributed lock.
///
/// Without it, every order waiting for a busy product polls the lock server and holds a
/// place in the connection pools that the lock's holder needs to finish; with it, one
/// order per product and instance competes for the distributed lock while the others
/// wait here, in arrival order, without any I/O.
final class ProductQueues: Sendable {
    /// How long an order may wait in its queue.
    let timeout: Duration
    private let queues = Mutex<[Int64: ConcurrencyLimiter<ContinuousClock>]>([:])

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Runs `operation` when the orders of `product` queued before it have finished.
    ///
    /// - Throws: ``ConcurrencyLimiterError`` when the wait exceeds ``timeout``, or the
    ///   operation's error.
    func run<Value: Sendable>(
        product: Int64, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let queue = queues.withLock { queues in
            if let queue = queues[product] { return queue }
            let queue = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 100_000, queueTimeout: timeout)
            queues[product] = queue
            return queue
        }
        return try await queue.run { try await operation() }
    }
}
