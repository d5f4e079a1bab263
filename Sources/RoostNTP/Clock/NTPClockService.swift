import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A corrected wall clock: the local time plus the offset measured by periodic NTP
/// calibrations, kept up to date by a swift-service-lifecycle `Service`.
///
/// ``run()`` calibrates at once, then every `interval` on the injected clock; a failed
/// calibration is logged, keeps the previous offset, and is retried after
/// `retryInterval`. ``now()`` is the local time corrected by the latest offset (the
/// plain local time until the first calibration succeeds).
///
/// ```swift
/// let ntp = NTPClockService(
///     sampler: NTPSampler(client: SNTPClient(), servers: [NTPServer(host: "time.example.net")]),
///     interval: .seconds(1024))
/// let group = ServiceGroup(services: [ntp, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// // elsewhere: let stamp = ntp.now()
/// ```
public final class NTPClockService<C: Clock>: Service, Sendable where C.Duration == Duration {
    private struct State {
        var calibration: NTPCalibration?
        var calibratedAt: Date?
        var failedAttempts = 0
    }

    /// Takes the measurements.
    public let sampler: NTPSampler<C>
    /// The time between successful calibrations.
    public let interval: Duration
    /// The time before a failed calibration is retried.
    public let retryInterval: Duration
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - sampler: Queries the servers.
    ///   - interval: Time between calibrations (default 17 minutes, 1024 s).
    ///   - retryInterval: Time before retrying a failed calibration (default 1 minute).
    ///   - clock: Measures the intervals (inject a manual clock in tests).
    ///   - wallClock: The local time being corrected (default the system time).
    ///   - logger: Receives a notice per calibration and a warning per failure.
    public init(
        sampler: NTPSampler<C>, interval: Duration = .seconds(1024), retryInterval: Duration = .seconds(60),
        clock: C, wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "roost.ntp")
    ) {
        self.sampler = sampler
        self.interval = interval
        self.retryInterval = retryInterval
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// The offset added to the local time; `nil` before the first successful calibration.
    public var offset: Duration? { state.withLock { $0.calibration?.offset } }

    /// The latest successful calibration.
    public var lastCalibration: NTPCalibration? { state.withLock { $0.calibration } }

    /// When the latest successful calibration finished, on the local wall clock.
    public var calibratedAt: Date? { state.withLock { $0.calibratedAt } }

    /// Failed calibrations since the last successful one.
    public var failedAttempts: Int { state.withLock { $0.failedAttempts } }

    /// The corrected time: the local time plus the latest offset.
    public func now() -> Date {
        let local = wallClock()
        guard let offset else { return local }
        let parts = offset.components
        return local.addingTimeInterval(Double(parts.seconds) + Double(parts.attoseconds) * 1e-18)
    }

    /// Calibrates once now and stores the result.
    ///
    /// - Throws: ``NTPCalibrationError`` when no server answered usefully.
    @discardableResult
    public func calibrate() async throws -> NTPCalibration {
        do {
            let calibration = try await sampler.calibrate()
            state.withLock {
                $0.calibration = calibration
                $0.calibratedAt = wallClock()
                $0.failedAttempts = 0
            }
            logger.notice(
                "clock calibrated",
                metadata: [
                    "offset_ms": "\(Self.milliseconds(calibration.offset))",
                    "samples": "\(calibration.acceptedSamples.count)",
                    "outliers": "\(calibration.samples.count - calibration.acceptedSamples.count)",
                    "failures": "\(calibration.failures.count)",
                ])
            return calibration
        } catch let error as NTPCalibrationError {
            state.withLock { $0.failedAttempts += 1 }
            throw error
        }
    }

    /// Calibrates now and then every ``interval``; returns on graceful shutdown or
    /// cancellation.
    public func run() async throws {
        do {
            try await runUntilCancelled()
        } catch is CancellationError {
            // Shutting down is how this loop ends.
        }
    }

    private func runUntilCancelled() async throws {
        try await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                var pause = interval
                do {
                    try await calibrate()
                } catch let error as NTPCalibrationError {
                    logger.warning(
                        "clock calibration failed; keeping the previous offset",
                        metadata: ["error": "\(error)", "retry_in": "\(retryInterval)"])
                    pause = retryInterval
                }
                try await clock.sleep(for: pause)
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1_000 + Double(parts.attoseconds) * 1e-15
    }
}

extension NTPClockService where C == ContinuousClock {
    /// Creates the service with intervals on the system's continuous clock.
    public convenience init(
        sampler: NTPSampler<ContinuousClock>, interval: Duration = .seconds(1024), retryInterval: Duration = .seconds(60),
        logger: Logger = Logger(label: "roost.ntp")
    ) {
        self.init(sampler: sampler, interval: interval, retryInterval: retryInterval, clock: ContinuousClock(), logger: logger)
    }
}
