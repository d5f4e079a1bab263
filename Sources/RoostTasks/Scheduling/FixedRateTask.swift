import Logging
import ServiceLifecycle

/// Runs an operation on a fixed grid of ticks (`start`, `start + period`, …), as a
/// swift-service-lifecycle `Service`.
///
/// With the default ``OverlapPolicy/forbid`` runs never overlap; when a run lasts past one
/// or more ticks, ``MissedTickPolicy`` decides what happens to them. With
/// ``OverlapPolicy/allow`` every tick starts a run on time. A run that throws is logged and
/// the next tick still runs. Graceful shutdown (or ``stop()``) lets runs in progress finish.
///
/// ```swift
/// let heartbeat = FixedRateTask(name: "heartbeat", period: .seconds(5), missedTicks: .skip) {
///     try await registry.heartbeat(instance: id)
/// }
/// ```
public final class FixedRateTask<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// What happens to ticks that passed while a run was still going.
    public enum MissedTickPolicy: Sendable, Hashable {
        /// Drop them and wait for the next tick on the grid.
        case skip
        /// Run once at once for all of them, then go on with the next tick on the grid.
        case runOnce
        /// Run once for each of them, back to back, until the task is on time again.
        case catchUp
    }

    /// The distance between ticks.
    public let period: Duration
    /// What happens to ticks missed while a run was going.
    public let missedTicks: MissedTickPolicy
    /// Whether runs may overlap.
    public let overlap: OverlapPolicy
    /// Whether the first tick is at start instead of one period later.
    public let runsImmediately: Bool
    private let runner: ScheduleRunner<C>

    /// Creates a task; it starts when ``run()`` is called.
    ///
    /// - Parameters:
    ///   - name: The name in log messages.
    ///   - period: The distance between ticks; more than zero.
    ///   - missedTicks: What to do with ticks missed while a run was going (default `.skip`).
    ///   - overlap: Whether runs may overlap (default `.forbid`).
    ///   - runsImmediately: Put the first tick at start (default: one period later).
    ///   - jitter: Each run starts up to this much after its tick, drawn from `random`.
    ///   - random: The source of jitter.
    ///   - clock: The clock to wait on.
    ///   - logger: Where failures are logged.
    ///   - operation: The work to run.
    public init(
        name: String, period: Duration, missedTicks: MissedTickPolicy = .skip, overlap: OverlapPolicy = .forbid,
        runsImmediately: Bool = false, jitter: Duration = .zero,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(), clock: C,
        logger: Logger = Logger(label: "roost.tasks"), operation: @escaping @Sendable () async throws -> Void
    ) {
        precondition(period > .zero, "period must be more than zero")
        self.period = period
        self.missedTicks = missedTicks
        self.overlap = overlap
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
            let clock = runner.clock
            var tick = runsImmediately ? clock.now : clock.now.advanced(by: period)
            // A run owed for missed ticks under `.runOnce`, due at once.
            var owesRun = false
            while await runner.sleep(until: owesRun ? clock.now : tick) {
                if owesRun { owesRun = false } else { tick = tick.advanced(by: period) }
                await launch(overlap)
                let now = clock.now
                guard tick < now else { continue }
                switch missedTicks {
                case .catchUp:
                    continue
                case .skip:
                    tick = firstTick(from: tick, notBefore: now)
                case .runOnce:
                    // The owed run stands in for every missed tick, including one due right now.
                    tick = firstTick(from: tick, notBefore: now)
                    if tick == now { tick = tick.advanced(by: period) }
                    owesRun = true
                }
            }
        }
    }

    /// Ends ``run()`` like a graceful shutdown: runs in progress finish, no new one starts.
    /// Called before ``run()``, it makes the next run end at once.
    public func stop() { runner.stop() }

    /// The first tick of the grid through `tick` that is not before `instant`.
    private func firstTick(from tick: C.Instant, notBefore instant: C.Instant) -> C.Instant {
        let behind = tick.duration(to: instant)
        var next = tick.advanced(by: period * Int((behind / period).rounded(.down)))
        while next < instant { next = next.advanced(by: period) }
        return next
    }
}

extension FixedRateTask where C == ContinuousClock {
    /// Creates a task that waits on the system's continuous clock.
    public convenience init(
        name: String, period: Duration, missedTicks: MissedTickPolicy = .skip, overlap: OverlapPolicy = .forbid,
        runsImmediately: Bool = false, jitter: Duration = .zero, logger: Logger = Logger(label: "roost.tasks"),
        operation: @escaping @Sendable () async throws -> Void
    ) {
        self.init(
            name: name, period: period, missedTicks: missedTicks, overlap: overlap, runsImmediately: runsImmediately,
            jitter: jitter, clock: ContinuousClock(), logger: logger, operation: operation)
    }
}
