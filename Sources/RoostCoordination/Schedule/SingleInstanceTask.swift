import Foundation
import Logging
import RoostTasks
import ServiceLifecycle

/// A scheduled task that runs on exactly one instance per tick, however many instances of
/// a service run it: hourly reports, nightly clean-ups, cache warmers.
///
/// Every instance computes the same ticks from the wall clock (cron fire times, or
/// multiples of an interval since the Unix epoch). At each tick every instance tries to
/// take the lock `name:<tick in ms>` with ``DistributedLock/tryAcquire(_:ttl:)``; the one
/// that gets it runs the operation, the others skip the tick. The lock is not released: it
/// expires by itself two tick spacings later. An instance that reaches a tick when the
/// next one is already due (a long pause, an overloaded machine) skips it instead of trying,
/// so no tick runs twice however late an instance is; a tick every instance reached that
/// late runs nowhere. If the instance that won a tick dies, the next tick runs on
/// another: there is no leader to fail over.
///
/// The operation receives the tick and a fencing token that grows with every tick; pass it
/// to the storage the task writes, so that a run stalled past its tick cannot overwrite a
/// later one.
///
/// ```swift
/// let stats = try SingleInstanceTask(
///     name: "hourly-stats", schedule: .cron(CronSchedule("0 * * * *"), timeZone: .gmt), lock: redisLock
/// ) { tick in
///     try await statistics.writeHourly(at: tick.fireDate, fencingToken: tick.fencingToken)
/// }
/// let group = ServiceGroup(services: [stats, ...], logger: logger)
/// ```
public final class SingleInstanceTask<Lock: DistributedLock>: Service, Sendable {
    /// When the task fires.
    public enum Schedule: Sendable {
        /// At the fire times of a cron schedule, in a time zone.
        case cron(CronSchedule, timeZone: TimeZone)
        /// At every multiple of the interval since 1970-01-01T00:00:00Z (so every instance
        /// agrees on the ticks); the interval must be at least one millisecond.
        case every(Duration)
    }

    /// The tick an instance won.
    public struct Tick: Sendable {
        /// The scheduled time of the tick.
        public let fireDate: Date
        /// The tick's time in milliseconds since the Unix epoch. Every instance agrees on
        /// it and it grows strictly from tick to tick, so storage can reject writes with a
        /// smaller token than it has seen (a fencing token).
        public let fencingToken: UInt64
    }

    /// The task's name, also the prefix of its lock keys.
    public let name: String
    /// When the task fires.
    public let schedule: Schedule
    private let lock: Lock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let operation: @Sendable (Tick) async throws -> Void

    /// Creates a task; it starts when ``run()`` is called.
    ///
    /// - Parameters:
    ///   - name: The task's name; every instance of the task must use the same one.
    ///   - schedule: When to fire.
    ///   - lock: The lock every instance shares (``InMemoryLock`` in one process, a Redis
    ///     lock across processes).
    ///   - wallClock: The current wall-clock time (inject a fake one in tests).
    ///   - logger: Where runs, skipped ticks and failures are logged.
    ///   - operation: The work of one tick.
    public init(
        name: String, schedule: Schedule, lock: Lock, wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "roost.coordination"), operation: @escaping @Sendable (Tick) async throws -> Void
    ) {
        if case .every(let interval) = schedule {
            precondition(interval >= .milliseconds(1), "a single-instance interval must be at least one millisecond")
        }
        self.name = name
        self.schedule = schedule
        self.lock = lock
        self.wallClock = wallClock
        self.logger = logger
        self.operation = operation
    }

    /// Fires at every tick until graceful shutdown or cancellation; a failing run is
    /// logged and the next tick still fires.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var after = self.wallClock()
                while let fire = self.tick(after: after) {
                    try await self.waitForWallClock(fire)
                    if let next = self.tick(after: fire), self.wallClock() >= next {
                        // So late that the next tick is due: another instance may have run
                        // this one and its lock may be gone, so it is not tried again.
                        self.logger.warning(
                            "skipped a tick reached too late", metadata: ["task": "\(self.name)", "tick": "\(fire)"])
                    } else {
                        try await self.runIfFirst(fire)
                    }
                    after = max(fire, self.wallClock())
                }
                self.logger.warning("schedule never fires again", metadata: ["task": "\(self.name)"])
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // A graceful shutdown is a clean end.
        }
    }

    /// The first tick strictly after `date`.
    public func tick(after date: Date) -> Date? {
        switch schedule {
        case .cron(let cron, let timeZone):
            return cron.next(after: date, in: timeZone)
        case .every(let interval):
            let step = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            let index = (date.timeIntervalSince1970 / step).rounded(.down) + 1
            return Date(timeIntervalSince1970: index * step)
        }
    }

    /// Takes the tick's lock and runs the operation if this instance got it.
    private func runIfFirst(_ fire: Date) async throws {
        let tickMilliseconds = Int64((fire.timeIntervalSince1970 * 1000).rounded())
        // The lock outlives every attempt at this tick: attempts start before the next tick
        // (see run()), and the lock lives two spacings (at least two seconds, at most two days).
        let spacing = tick(after: fire).map { $0.timeIntervalSince(fire) } ?? 86_400
        let ttl = Duration.milliseconds(Int64(min(max(spacing, 1), 86_400) * 2000))
        let lease: LockLease?
        do {
            lease = try await lock.tryAcquire("\(name):\(tickMilliseconds)", ttl: ttl)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("could not take the tick's lock; skipping the tick", metadata: ["task": "\(name)", "error": "\(error)"])
            return
        }
        guard lease != nil else {
            logger.debug("another instance runs this tick", metadata: ["task": "\(name)", "tick": "\(fire)"])
            return
        }
        do {
            try await operation(Tick(fireDate: fire, fencingToken: UInt64(tickMilliseconds)))
        } catch is CancellationError where Task.isCancelled {
            throw CancellationError()
        } catch {
            logger.error("run failed", metadata: ["task": "\(name)", "tick": "\(fire)", "error": "\(error)"])
        }
    }

    /// Sleeps on the lock's clock until the wall clock reaches `fire`.
    private func waitForWallClock(_ fire: Date) async throws {
        while true {
            let remaining = fire.timeIntervalSince(wallClock())
            if remaining <= 0 { return }
            // Whole milliseconds, rounded up, so the wait never ends just short of `fire`.
            let wait = Duration.milliseconds(Int64((remaining * 1000).rounded(.up)))
            try await lock.clock.sleep(until: lock.clock.now.advanced(by: wait), tolerance: nil)
        }
    }
}
