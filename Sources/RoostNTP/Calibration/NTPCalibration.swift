/// An NTP server to query.
public struct NTPServer: Sendable, Hashable, CustomStringConvertible {
    /// A host name or IP address.
    public var host: String
    /// The UDP port (123 for real servers).
    public var port: Int

    /// Creates a server address.
    public init(host: String, port: Int = 123) {
        self.host = host
        self.port = port
    }

    /// `host:port`.
    public var description: String { "\(host):\(port)" }
}

/// One measurement taken during a calibration, and whether it was used.
public struct NTPSample: Sendable, Hashable {
    /// The server that answered.
    public var server: NTPServer
    /// The measurement.
    public var measurement: SNTPMeasurement
    /// Whether the sample was set aside as an outlier.
    public var isOutlier: Bool
}

/// The result of querying several servers several times: the median offset of the
/// samples that agree with each other.
///
/// ```swift
/// let calibration = try await sampler.calibrate()
/// logger.info("offset \(calibration.offset) from \(calibration.acceptedSamples.count) samples")
/// ```
public struct NTPCalibration: Sendable {
    /// The correction to add to the local clock: the median offset of the accepted samples.
    public var offset: Duration
    /// Every successful sample, outliers included (marked).
    public var samples: [NTPSample]
    /// The queries that failed, with their errors.
    public var failures: [NTPQueryFailure]

    /// The samples the offset was computed from.
    public var acceptedSamples: [NTPSample] { samples.filter { !$0.isOutlier } }

    /// Builds a calibration from successful measurements, rejecting outliers: samples
    /// whose offset is further from the median than `threshold`, where `threshold` is
    /// three times the scaled median absolute deviation but at least `minimumSpread`.
    /// Returns `nil` when there are no measurements.
    init?(measurements: [(NTPServer, SNTPMeasurement)], failures: [NTPQueryFailure], minimumSpread: Duration) {
        guard !measurements.isEmpty else { return nil }
        let offsets = measurements.map { $0.1.offset }
        let center = Self.median(offsets)
        let deviations = offsets.map { Self.magnitude($0 - center) }
        // 1.4826 × MAD estimates the standard deviation of normally distributed noise.
        let spread = Self.median(deviations) * 1.4826
        let threshold = max(spread * 3, minimumSpread)
        let samples = zip(measurements, deviations).map { pair, deviation in
            NTPSample(server: pair.0, measurement: pair.1, isOutlier: deviation > threshold)
        }
        self.samples = samples
        self.failures = failures
        self.offset = Self.median(samples.filter { !$0.isOutlier }.map(\.measurement.offset))
    }

    /// The median of `values` (not empty); the mean of the two middle values for an even count.
    public static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func magnitude(_ duration: Duration) -> Duration { duration < .zero ? .zero - duration : duration }
}

/// A query that failed during a calibration.
public struct NTPQueryFailure: Sendable {
    /// The server queried.
    public var server: NTPServer
    /// Why it failed.
    public var error: SNTPError
}
