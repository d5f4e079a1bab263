import RoostCore

/// Thrown when a calibration got no usable sample from any server.
public struct NTPCalibrationError: RoostError {
    /// Every failed query, by server.
    public var failures: [NTPQueryFailure]

    /// Creates the error.
    public init(failures: [NTPQueryFailure]) { self.failures = failures }

    /// `ntp.calibration.no_samples`.
    public var code: ErrorCode { "ntp.calibration.no_samples" }

    /// The failure of each server, and what to do.
    public var message: String {
        let lines = failures.map { "  - \($0.server): \($0.error.message)" }
        var seen = Set<String>()
        let unique = lines.filter { seen.insert($0).inserted }
        return "No NTP server gave a usable answer; check the server list and that UDP port 123 is reachable:\n"
            + unique.joined(separator: "\n")
    }

    /// The first failure's error.
    public var underlying: (any Error)? { failures.first?.error }
}
