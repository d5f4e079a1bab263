import Logging
import ServiceLifecycle

/// Runs an operation repeatedly with a fixed delay between the end of one run and the start
/// of the next, as a swift-service-lifecycle `Service`.
///
/// Runs never overlap. A run that throws is logged (at `error`, with the task's name) and
/// the next run still happens. Graceful shutdown (or ``stop()``) lets a run in progress
/// finish and starts no new one; cancellation also cancels the run in progress.
///
/// ```swift
/// let cleanup = IntervalTask(name: "session-cleanup", interval: .seconds(30)) {
///     try await sessions.removeExpired()
/// }
/// let group = ServiceGroup(services: [cleanup], logger: logger)
/// try await group.run()
/// ```
public final class IntervalTask<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// The delay between the end of one run and the start of the next.
    public let interval: Duration
    /// Whether the first run starts at once instead of after one interval.
    public let runsImmediately: Bool
    private let runner: ScheduleRunner<C>

    /// Creates a task; it starts when ``run()`` is called.
    ///
    /// - Parameters:
    ///   - name: The name in log messages.
    ///   - interval: The delay after each run.
    ///   - runsImmediately: Start the first run at once (default: after one interval).
    ///   - jitter: Each run starts up to this much later, a random amount drawn from `random`.
    ///   - random: The source of jitter.
    ///   - clock: The clock to wait on.
    ///   - logger: Where failures are logged.
    ///   - operation: The work to run.
    public init(
        name: String, interval: Duration, runsImmediately: Bool = false, jitter: Duration = .zero,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(), clock: C,
        logger: Logger = Logger(label: "roost.tasks"), operation: @escaping @Sendable () async throws -> Void
    ) {
        precondition(interval >= .zero, "interval must not be negative")
        self.interval = interval
        self.runsImmediately = runsImmediately
        runner = ScheduleRunner(
            name: name, clock: clock, logger: logger, jitter: jitter, random: random, operation: operation)
    }

    /// The task's name.
    public var name: String { runner.name }

    /// Whether ``run()`` is in progress.
    public var isRunning: Bool { runner.isRunning }

    /// Runs the schedule until graceful shutdown, ``stop()`` or cancellation.
    ///
    /// - Throws: ``ScheduledTaskError`` if the task is already running.
    public func run() async throws {
        try await runner.run { launch in
            var deadline = runsImmediately ? runner.clock.now : runner.clock.now.advanced(by: interval)
            while await runner.sleep(until: deadline) {
                await launch(.forbid)
                deadline = runner.clock.now.advanced(by: interval)
            }
        }
    }

    /// Ends ``run()`` like a graceful shutdown: a run in progress finishes, no new one starts.
    /// Called before ``run()``, it makes the next run end at once.
    public func stop() { runner.stop() }
}

extension IntervalTask where C == ContinuousClock {
    /// Creates a task that waits on the system's continuous clock.
    public convenience init(
        name: String, interval: Duration, runsImmediately: Bool = false, jitter: Duration = .zero,
        logger: Logger = Logger(label: "roost.tasks"), operation: @escaping @Sendable () async throws -> Void
    ) {
        self.init(
            name: name, interval: interval, runsImmediately: runsImmediately, jitter: jitter,
            clock: ContinuousClock(), logger: logger, operation: operation)
    }
}
