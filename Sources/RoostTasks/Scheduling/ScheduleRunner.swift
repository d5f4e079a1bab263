import Logging
import ServiceLifecycle
import Synchronization

/// The machinery shared by the scheduled tasks: start and stop, interruptible sleeps,
/// jitter, and running the operation with its failures logged.
final class ScheduleRunner<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var isRunning = false
        var isStopped = false
        var nextWaiterID: UInt64 = 0
        var stopWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waiters between taking an id and registering their continuation.
        var registering: Set<UInt64> = []
        /// Waiters cancelled before they registered.
        var cancelledWaiters: Set<UInt64> = []
    }

    let name: String
    let clock: C
    let logger: Logger
    let jitter: Duration
    private let random: Mutex<any RandomNumberGenerator & Sendable>
    private let operation: @Sendable () async throws -> Void
    private let state = Mutex(State())

    init(
        name: String, clock: C, logger: Logger, jitter: Duration, random: any RandomNumberGenerator & Sendable,
        operation: @escaping @Sendable () async throws -> Void
    ) {
        precondition(jitter >= .zero, "jitter must not be negative")
        self.name = name
        self.clock = clock
        var logger = logger
        logger[metadataKey: "task"] = "\(name)"
        self.logger = logger
        self.jitter = jitter
        self.random = Mutex(random)
        self.operation = operation
    }

    var isRunning: Bool { state.withLock { $0.isRunning } }

    /// Runs `loop` as the task's life: marks the task running, stops it on graceful
    /// shutdown, and lets runs started with `.allow` finish before returning.
    func run(_ loop: (_ launch: (OverlapPolicy) async -> Void) async -> Void) async throws {
        try state.withLock { state throws(ScheduledTaskError) in
            guard !state.isRunning else { throw ScheduledTaskError(task: name, reason: .alreadyRunning) }
            state.isRunning = true
        }
        // A stop requested before the run began ends it at once; once over, the task may run again.
        defer {
            state.withLock { state in
                state.isRunning = false
                state.isStopped = false
            }
        }
        logger.debug("Scheduled task started")
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await loop { overlap in
                    switch overlap {
                    case .forbid: await self.execute()
                    case .allow: group.addTask { await self.execute() }
                    }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        logger.debug("Scheduled task stopped")
    }

    /// Asks the loop to finish: no new run starts; a run in progress completes.
    func stop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isStopped = true
            defer { state.stopWaiters = [:] }
            return Array(state.stopWaiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    var isStopped: Bool { state.withLock { $0.isStopped } }

    /// Sleeps until `deadline` on the clock. Returns false, early, when the task is stopped
    /// or cancelled: the loop must then end.
    func sleep(until deadline: C.Instant) async -> Bool {
        if isStopped || Task.isCancelled { return false }
        let reached = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await self.clock.sleep(until: deadline, tolerance: nil)) != nil }
            group.addTask {
                await self.waitUntilStopped()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        return reached && !isStopped && !Task.isCancelled
    }

    /// Suspends until the task is stopped or the current task is cancelled.
    func waitUntilStopped() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            state.registering.insert(state.nextWaiterID)
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    state.registering.remove(id)
                    if state.isStopped || state.cancelledWaiters.remove(id) != nil { return true }
                    state.stopWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.stopWaiters.removeValue(forKey: id) { return waiter }
                if state.registering.contains(id) { state.cancelledWaiters.insert(id) }
                return nil
            }
            continuation?.resume()
        }
    }

    /// Waits a random part of the jitter, then runs the operation once. A failure is logged
    /// and does not end the task.
    func execute() async {
        if jitter > .zero {
            let fraction = random.withLock { random in random.unitInterval() }
            guard await sleep(until: clock.now.advanced(by: .seconds(jitter.seconds * fraction))) else { return }
        }
        do {
            try await operation()
        } catch is CancellationError where isStopped || Task.isCancelled {
            logger.debug("Scheduled run cancelled during shutdown")
        } catch {
            logger.error(
                "Scheduled run failed; the next run stays scheduled",
                metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
