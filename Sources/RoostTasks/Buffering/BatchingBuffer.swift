import Logging
import ServiceLifecycle
import Synchronization

/// Collects items and hands them to a flush function in batches: as soon as `maxBatchSize`
/// items wait, when the oldest waiting item has waited `maxDelay`, and on shutdown. Runs as
/// a swift-service-lifecycle `Service`.
///
/// Adding an item never suspends; beyond `capacity` waiting items ``append(_:)`` throws
/// ``BatchingBufferError``, so memory stays bounded. Flushes happen one at a time, in
/// order. A flush that throws is logged with the number of items lost, and later batches
/// still flush; retry inside `flush` if items must not be lost. Graceful shutdown (or
/// ``stop()``) flushes everything still waiting before ``run()`` returns and refuses later
/// appends. Cancellation ends the buffer too; what is waiting is still handed to `flush`,
/// in the cancelled task.
///
/// ```swift
/// let events = BatchingBuffer<AuditEvent, ContinuousClock>(
///     name: "audit", maxBatchSize: 500, maxDelay: .seconds(2), clock: ContinuousClock()
/// ) { batch in
///     try await database.insert(batch)
/// }
/// try events.append(AuditEvent(user: id, action: "login"))
/// ```
public final class BatchingBuffer<Element: Sendable, C: Clock>: Service, Sendable where C.Duration == Duration {
    private struct State {
        var items: [Element] = []
        /// When the buffer last went from empty to non-empty: no later than its oldest item.
        var oldest: C.Instant?
        var isRunning = false
        var isStopped = false
        var waiter: CheckedContinuation<Void, Never>?
        var wakePending = false
    }

    /// The buffer's name, in log messages and errors.
    public let name: String
    /// The most items in one flush.
    public let maxBatchSize: Int
    /// The longest an item waits before it is flushed (while the service runs).
    public let maxDelay: Duration
    /// The most items that may wait.
    public let capacity: Int
    private let clock: C
    private let logger: Logger
    private let flush: @Sendable ([Element]) async throws -> Void
    private let state = Mutex(State())

    /// Creates a buffer; it flushes once ``run()`` is called.
    ///
    /// - Parameters:
    ///   - name: The name in log messages and errors.
    ///   - maxBatchSize: The most items in one flush; at least 1.
    ///   - maxDelay: The longest an item waits before it is flushed.
    ///   - capacity: The most items that may wait (default: 100 batches).
    ///   - clock: The clock that measures the delay.
    ///   - logger: Where failed flushes are logged.
    ///   - flush: Receives each batch, in order, one at a time.
    public init(
        name: String, maxBatchSize: Int, maxDelay: Duration, capacity: Int? = nil, clock: C,
        logger: Logger = Logger(label: "roost.tasks"), flush: @escaping @Sendable ([Element]) async throws -> Void
    ) {
        precondition(maxBatchSize >= 1, "maxBatchSize must be at least 1")
        precondition(maxDelay >= .zero, "maxDelay must not be negative")
        let capacity = capacity ?? maxBatchSize.multipliedReportingOverflow(by: 100).partialValue
        precondition(capacity >= maxBatchSize, "capacity must be at least maxBatchSize")
        self.name = name
        self.maxBatchSize = maxBatchSize
        self.maxDelay = maxDelay
        self.capacity = capacity
        self.clock = clock
        var logger = logger
        logger[metadataKey: "buffer"] = "\(name)"
        self.logger = logger
        self.flush = flush
    }

    /// The number of items waiting to be flushed.
    public var pendingCount: Int { state.withLock { $0.items.count } }

    /// Whether ``run()`` is in progress.
    public var isRunning: Bool { state.withLock { $0.isRunning } }

    /// Adds an item to the next batch.
    ///
    /// - Throws: ``BatchingBufferError`` when `capacity` items already wait or the buffer
    ///   has shut down.
    public func append(_ item: Element) throws(BatchingBufferError) {
        try append(contentsOf: CollectionOfOne(item))
    }

    /// Adds items to the next batches, all or none.
    ///
    /// - Throws: ``BatchingBufferError`` when they do not fit under `capacity` or the buffer
    ///   has shut down.
    public func append(contentsOf items: some Collection<Element>) throws(BatchingBufferError) {
        let now = clock.now
        let waiter = try state.withLock { state throws(BatchingBufferError) -> CheckedContinuation<Void, Never>? in
            guard !state.isStopped else { throw BatchingBufferError(buffer: name, reason: .stopped) }
            guard state.items.count + items.count <= capacity else {
                throw BatchingBufferError(buffer: name, reason: .full(capacity: capacity))
            }
            let wasEmpty = state.items.isEmpty
            state.items.append(contentsOf: items)
            if wasEmpty && !items.isEmpty { state.oldest = now }
            guard (wasEmpty && !items.isEmpty) || state.items.count >= maxBatchSize else { return nil }
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    /// Flushes batches until graceful shutdown or cancellation, then flushes what is left.
    ///
    /// - Throws: ``ScheduledTaskError`` if the buffer is already running.
    public func run() async throws {
        try state.withLock { state throws(ScheduledTaskError) in
            guard !state.isRunning else { throw ScheduledTaskError(task: name, reason: .alreadyRunning) }
            state.isRunning = true
        }
        defer { state.withLock { $0.isRunning = false } }
        await withGracefulShutdownHandler {
            await flushLoop()
        } onGracefulShutdown: {
            self.stop()
        }
        stop()
        while await flushBatch(ifDueAt: nil) {}
    }

    /// Shuts the buffer down like a graceful shutdown: appends are refused from now on, and
    /// ``run()`` flushes what is waiting and returns.
    public func stop() {
        let waiter = state.withLock { state in
            state.isStopped = true
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    private func flushLoop() async {
        while !Task.isCancelled {
            let (count, oldest, stopped) = state.withLock { ($0.items.count, $0.oldest, $0.isStopped) }
            if stopped { return }
            if count >= maxBatchSize {
                await flushBatch(ifDueAt: nil)
            } else if let oldest, count > 0 {
                let deadline = oldest.advanced(by: maxDelay)
                if clock.now < deadline { await waitForWake(orUntil: deadline) }
                await flushBatch(ifDueAt: deadline)
            } else {
                await waitForWake(orUntil: nil)
            }
        }
    }

    /// Takes up to `maxBatchSize` items and flushes them, if the buffer is full, `deadline`
    /// has come, or `deadline` is nil. Returns whether it flushed anything.
    @discardableResult
    private func flushBatch(ifDueAt deadline: C.Instant?) async -> Bool {
        let now = clock.now
        let batch = state.withLock { state -> [Element] in
            if let deadline, now < deadline, state.items.count < maxBatchSize { return [] }
            let batch = Array(state.items.prefix(maxBatchSize))
            state.items.removeFirst(batch.count)
            if state.items.isEmpty { state.oldest = nil }
            return batch
        }
        guard !batch.isEmpty else { return false }
        do {
            try await flush(batch)
        } catch {
            logger.error(
                "Batch flush failed; its items are lost",
                metadata: ["items": "\(batch.count)", "error": "\(String(reflecting: error))"])
        }
        return true
    }

    /// Suspends until an append or shutdown wakes the loop, `deadline` comes, or the task is
    /// cancelled.
    private func waitForWake(orUntil deadline: C.Instant?) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask { try? await self.clock.sleep(until: deadline, tolerance: nil) }
            }
            group.addTask { await self.waitForWake() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForWake() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: a cancellation handler that ran before this point
                    // found no waiter to resume.
                    if state.wakePending || state.isStopped || Task.isCancelled {
                        state.wakePending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    /// Takes the waiting loop's continuation, or remembers the wake-up for its next wait.
    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard let waiter = state.waiter else {
            state.wakePending = true
            return nil
        }
        state.waiter = nil
        return waiter
    }
}

extension BatchingBuffer where C == ContinuousClock {
    /// Creates a buffer whose delay is measured on the system's continuous clock.
    public convenience init(
        name: String, maxBatchSize: Int, maxDelay: Duration, capacity: Int? = nil,
        logger: Logger = Logger(label: "roost.tasks"), flush: @escaping @Sendable ([Element]) async throws -> Void
    ) {
        self.init(
            name: name, maxBatchSize: maxBatchSize, maxDelay: maxDelay, capacity: capacity, clock: ContinuousClock(),
            logger: logger, flush: flush)
    }
}
