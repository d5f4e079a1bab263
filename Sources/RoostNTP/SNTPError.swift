import RoostCore

/// Why an SNTP exchange failed or a server's answer was refused.
public struct SNTPError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The datagram held fewer than 48 bytes.
        case shortPacket(Int)
        /// The reply was not in server (4) or broadcast (5) mode.
        case unexpectedMode(SNTPPacket.Mode)
        /// The reply's version was outside 1…4.
        case unsupportedVersion(UInt8)
        /// The server sent a kiss-o'-death (stratum 0) with this code, such as `RATE`
        /// (slow down), `DENY` or `RSTR` (access refused).
        case kissOfDeath(String)
        /// The server says its own clock is not synchronised (leap indicator 3).
        case unsynchronized
        /// The server's stratum is above 15, that is unsynchronised or reserved.
        case invalidStratum(UInt8)
        /// The reply's transmit timestamp was zero.
        case zeroTransmitTimestamp
        /// No valid reply arrived in time.
        case timeout(Duration)
        /// The host name could not be resolved, or the socket failed.
        case transport(String)
    }

    /// What went wrong.
    public let reason: Reason
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `ntp.`.
    public var code: ErrorCode {
        switch reason {
        case .shortPacket: "ntp.packet.short"
        case .unexpectedMode: "ntp.packet.unexpected_mode"
        case .unsupportedVersion: "ntp.packet.unsupported_version"
        case .kissOfDeath: "ntp.server.kiss_of_death"
        case .unsynchronized: "ntp.server.unsynchronized"
        case .invalidStratum: "ntp.server.invalid_stratum"
        case .zeroTransmitTimestamp: "ntp.packet.zero_transmit"
        case .timeout: "ntp.timeout"
        case .transport: "ntp.transport"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .shortPacket(let length):
            "The server answered with \(length) bytes, fewer than the 48 of an NTP packet; it is not an NTP server."
        case .unexpectedMode(let mode):
            "The answer was in mode \(mode), not a server reply; check that the address is an NTP server."
        case .unsupportedVersion(let version):
            "The answer used NTP version \(version); use a server that speaks NTP version 3 or 4."
        case .kissOfDeath(let code):
            "The server refused service with kiss code \(code); stop querying it (DENY, RSTR) or query less often (RATE)."
        case .unsynchronized:
            "The server reports that its own clock is not synchronised; use another server."
        case .invalidStratum(let stratum):
            "The server reports stratum \(stratum), which means it is not synchronised; use another server."
        case .zeroTransmitTimestamp:
            "The server's answer had no transmit time; use another server."
        case .timeout(let timeout):
            "No valid answer arrived within \(timeout); check the host, port 123/udp reachability, or raise the timeout."
        case .transport(let detail):
            "The query could not be sent: \(detail)."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: SNTPError, rhs: SNTPError) -> Bool { lhs.reason == rhs.reason }
}
