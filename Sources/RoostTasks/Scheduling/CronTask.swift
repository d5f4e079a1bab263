import Foundation
import Logging
import ServiceLifecycle

/// Runs an operation at the fire times of a ``CronSchedule`` in a time zone, as a
/// swift-service-lifecycle `Service`.
///
/// Fire times are computed on the wall clock (`wallClock`, the system time by default) and
/// waited for on `clock`. Before each run the task checks the wall clock again, so a run
/// never starts early, even when the wall clock was set back while it waited.
///
/// With the default ``OverlapPolicy/forbid`` runs never overlap and fire times that pass
/// while a run is still going are skipped, as in cron. With ``OverlapPolicy/allow`` every
/// fire time starts a run. A run that throws is logged and the next fire time still runs.
/// A schedule that never fires again logs a warning and waits for shutdown.
///
/// ```swift
/// let report = try CronTask(name: "nightly-report", schedule: CronSchedule("30 2 * * *"),
///                           timeZone: TimeZone(identifier: "Europe/Berlin")!) {
///     try await reports.sendNightly()
/// }
/// ```
public final class CronTask<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// When the task runs.
    public let schedule: CronSchedule
    /// The time zone whose wall-clock times the schedule names.
    public let timeZone: TimeZone
    /// Whether runs may overlap.
    public let overlap: OverlapPolicy
    private let wallClock: @Sendable () -> Date
    private let runner: ScheduleRunner<C>

    /// Creates a task; it starts when ``run()`` is called.
    ///
    /// - Parameters:
    ///   - name: The name in log messages.
    ///   - schedule: When to run.
    ///   - timeZone: The time zone of the schedule's wall-clock times.
    ///   - overlap: Whether runs may overlap (default `.forbid`).
    ///   - jitter: Each run starts up to this much after its fire time, drawn from `random`.
    ///   - random: The source of jitter.
    ///   - clock: The clock to wait on.
    ///   - wallClock: The current wall-clock time (inject a fake one in tests).
    ///   - logger: Where failures are logged.
    ///   - operation: The work to run.
    public init(
        name: String, schedule: CronSchedule, timeZone: TimeZone, overlap: OverlapPolicy = .forbid,
        jitter: Duration = .zero, random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        clock: C, wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "roost.tasks"), operation: @escaping @Sendable () async throws -> Void
    ) {
        self.schedule = schedule
        self.timeZone = timeZone
        self.overlap = overlap
        self.wallClock = wallClock
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
            var after = wallClock()
            while true {
                guard let fire = schedule.next(after: after, in: timeZone) else {
                    runner.logger.warning(
                        "Cron schedule never fires again; the task idles until shutdown",
                        metadata: ["schedule": "\(schedule)"])
                    await runner.waitUntilStopped()
                    return
                }
                guard await waitForWallClock(fire) else { return }
                await launch(overlap)
                after = max(fire, wallClock())
            }
        }
    }

    /// Ends ``run()`` like a graceful shutdown: runs in progress finish, no new one starts.
    /// Called before ``run()``, it makes the next run end at once.
    public func stop() { runner.stop() }

    /// The next `count` times the task will run, from the current wall-clock time.
    public func nextRunDates(count: Int) -> [Date] {
        schedule.nextDates(count: count, after: wallClock(), in: timeZone)
    }

    /// Sleeps on the clock until the wall clock reaches `fire`; false when stopped first.
    private func waitForWallClock(_ fire: Date) async -> Bool {
        while true {
            let remaining = fire.timeIntervalSince(wallClock())
            if remaining <= 0 { return true }
            // Whole milliseconds, rounded up, so that the wait never ends just short of `fire`.
            let wait = Duration.milliseconds(Int64((remaining * 1000).rounded(.up)))
            guard await runner.sleep(until: runner.clock.now.advanced(by: wait)) else { return false }
        }
    }
}

extension CronTask where C == ContinuousClock {
    /// Creates a task that waits on the system's continuous clock and reads the system time.
    public convenience init(
        name: String, schedule: CronSchedule, timeZone: TimeZone = .current, overlap: OverlapPolicy = .forbid,
        jitter: Duration = .zero, logger: Logger = Logger(label: "roost.tasks"),
        operation: @escaping @Sendable () async throws -> Void
    ) {
        self.init(
            name: name, schedule: schedule, timeZone: timeZone, overlap: overlap, jitter: jitter,
            clock: ContinuousClock(), logger: logger, operation: operation)
    }
}
