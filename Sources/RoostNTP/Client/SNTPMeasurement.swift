import Foundation

/// The result of one SNTP exchange: how far the local clock is from the server's, and
/// how long the exchange took.
///
/// With T1 the client's send time, T2 the server's receive time, T3 the server's send
/// time and T4 the client's receive time (RFC 4330 §5):
///
/// - round-trip delay `d = (T4 − T1) − (T3 − T2)`
/// - clock offset `t = ((T2 − T1) + (T3 − T4)) / 2`
///
/// A positive offset means the local clock is behind: add it to local time to get the
/// server's time.
///
/// ```swift
/// let measurement = try await client.query(host: "pool.ntp.org")
/// let trueNow = measurement.correctedDate(Date())
/// ```
public struct SNTPMeasurement: Sendable, Hashable {
    /// The server's reply.
    public var response: SNTPPacket
    /// T1: when the request left, on the local clock.
    public var originate: NTPTimestamp
    /// T4: when the reply arrived, on the local clock.
    public var destination: NTPTimestamp

    /// Creates a measurement from a validated reply and the local send and receive times.
    public init(response: SNTPPacket, originate: NTPTimestamp, destination: NTPTimestamp) {
        self.response = response
        self.originate = originate
        self.destination = destination
    }

    /// The correction to add to the local clock: `((T2 − T1) + (T3 − T4)) / 2`.
    public var offset: Duration {
        let outbound = response.receiveTimestamp.duration(since: originate)
        let inbound = response.transmitTimestamp.duration(since: destination)
        return (outbound + inbound) / 2
    }

    /// The network round trip, excluding the server's processing time:
    /// `(T4 − T1) − (T3 − T2)`.
    public var roundTripDelay: Duration {
        destination.duration(since: originate) - response.transmitTimestamp.duration(since: response.receiveTimestamp)
    }

    /// The server's stratum.
    public var stratum: UInt8 { response.stratum }

    /// `localDate` corrected by ``offset``.
    public func correctedDate(_ localDate: Date) -> Date {
        let components = offset.components
        return localDate.addingTimeInterval(Double(components.seconds) + Double(components.attoseconds) * 1e-18)
    }
}
