import NIOCore

/// An NTP/SNTP version 4 packet (RFC 4330 §4), without the optional extension fields and
/// authenticator: the 48-byte message a client sends and a server answers.
///
/// ```swift
/// var request = SNTPPacket.clientRequest(transmitTimestamp: NTPTimestamp(date: Date()))
/// var buffer = ByteBuffer()
/// request.write(to: &buffer)           // 48 bytes on the wire
/// let decoded = try SNTPPacket(decoding: &buffer)
/// ```
public struct SNTPPacket: Sendable, Hashable {
    /// The size of a packet without extensions.
    public static let byteCount = 48

    /// The leap-second warning, and whether the server is synchronised at all.
    public enum LeapIndicator: UInt8, Sendable, Hashable {
        /// No leap second pending.
        case noWarning = 0
        /// The last minute of the day has 61 seconds.
        case lastMinuteHas61Seconds = 1
        /// The last minute of the day has 59 seconds.
        case lastMinuteHas59Seconds = 2
        /// The server's clock is not synchronised (alarm condition).
        case unsynchronized = 3
    }

    /// The association mode of the sender.
    public enum Mode: UInt8, Sendable, Hashable {
        /// Reserved.
        case reserved = 0
        /// Symmetric active.
        case symmetricActive = 1
        /// Symmetric passive.
        case symmetricPassive = 2
        /// A client request.
        case client = 3
        /// A server reply.
        case server = 4
        /// A broadcast message.
        case broadcast = 5
        /// An NTP control message.
        case controlMessage = 6
        /// Reserved for private use.
        case privateUse = 7
    }

    /// Leap warning / synchronisation alarm.
    public var leapIndicator: LeapIndicator
    /// The protocol version, 4 for this client (servers may answer 3).
    public var version: UInt8
    /// The sender's mode.
    public var mode: Mode
    /// The server's distance from a reference clock: 1 primary, 2–15 secondary, 0 a
    /// kiss-o'-death message, 16 and above unsynchronised or reserved.
    public var stratum: UInt8
    /// The maximum poll interval, as a power of two seconds.
    public var poll: Int8
    /// The precision of the server's clock, as a power of two seconds.
    public var precision: Int8
    /// Total round-trip delay to the reference clock, in 16.16 fixed-point seconds.
    public var rootDelay: UInt32
    /// Maximum error relative to the reference clock, in 16.16 fixed-point seconds.
    public var rootDispersion: UInt32
    /// The reference source: four ASCII characters at stratum 0 and 1 (a kiss code or a
    /// clock name), an address hash above.
    public var referenceID: UInt32
    /// When the server's clock was last set.
    public var referenceTimestamp: NTPTimestamp
    /// The client's transmit time, echoed by the server (T1).
    public var originateTimestamp: NTPTimestamp
    /// When the server received the request (T2).
    public var receiveTimestamp: NTPTimestamp
    /// When the packet left its sender (T3 in a reply, T1 in a request).
    public var transmitTimestamp: NTPTimestamp

    /// Creates a packet from its fields.
    public init(
        leapIndicator: LeapIndicator = .noWarning, version: UInt8 = 4, mode: Mode, stratum: UInt8 = 0,
        poll: Int8 = 0, precision: Int8 = 0, rootDelay: UInt32 = 0, rootDispersion: UInt32 = 0,
        referenceID: UInt32 = 0, referenceTimestamp: NTPTimestamp = .zero, originateTimestamp: NTPTimestamp = .zero,
        receiveTimestamp: NTPTimestamp = .zero, transmitTimestamp: NTPTimestamp = .zero
    ) {
        self.leapIndicator = leapIndicator
        self.version = version
        self.mode = mode
        self.stratum = stratum
        self.poll = poll
        self.precision = precision
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.referenceID = referenceID
        self.referenceTimestamp = referenceTimestamp
        self.originateTimestamp = originateTimestamp
        self.receiveTimestamp = receiveTimestamp
        self.transmitTimestamp = transmitTimestamp
    }

    /// A version 4 client request carrying `transmitTimestamp` (T1), all else zero, as
    /// RFC 4330 §5 recommends.
    public static func clientRequest(transmitTimestamp: NTPTimestamp) -> SNTPPacket {
        SNTPPacket(mode: .client, transmitTimestamp: transmitTimestamp)
    }

    /// The reference identifier as four ASCII characters, when it is printable (kiss
    /// codes such as `RATE`, clock names such as `GPS`).
    public var referenceCode: String? {
        let bytes = withUnsafeBytes(of: referenceID.bigEndian, Array.init).prefix { $0 != 0 }
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Root delay in seconds.
    public var rootDelaySeconds: Double { Double(rootDelay) / 65_536 }
    /// Root dispersion in seconds.
    public var rootDispersionSeconds: Double { Double(rootDispersion) / 65_536 }

    /// Appends the 48-byte wire form to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(leapIndicator.rawValue << 6 | (version & 0x07) << 3 | mode.rawValue)
        buffer.writeInteger(stratum)
        buffer.writeInteger(poll)
        buffer.writeInteger(precision)
        buffer.writeInteger(rootDelay)
        buffer.writeInteger(rootDispersion)
        buffer.writeInteger(referenceID)
        for timestamp in [referenceTimestamp, originateTimestamp, receiveTimestamp, transmitTimestamp] {
            buffer.writeInteger(timestamp.rawValue)
        }
    }

    /// Reads a packet from the front of `buffer`, ignoring any extension fields after
    /// the first 48 bytes.
    ///
    /// - Throws: ``SNTPError`` with ``SNTPError/Reason/shortPacket(_:)`` when fewer than
    ///   48 bytes are readable; the buffer is then left unchanged.
    public init(decoding buffer: inout ByteBuffer) throws {
        guard buffer.readableBytes >= Self.byteCount else { throw SNTPError(.shortPacket(buffer.readableBytes)) }
        let first: UInt8 = buffer.readInteger()!
        self.leapIndicator = LeapIndicator(rawValue: first >> 6)!
        self.version = (first >> 3) & 0x07
        self.mode = Mode(rawValue: first & 0x07)!
        self.stratum = buffer.readInteger()!
        self.poll = buffer.readInteger()!
        self.precision = buffer.readInteger()!
        self.rootDelay = buffer.readInteger()!
        self.rootDispersion = buffer.readInteger()!
        self.referenceID = buffer.readInteger()!
        self.referenceTimestamp = NTPTimestamp(rawValue: buffer.readInteger()!)
        self.originateTimestamp = NTPTimestamp(rawValue: buffer.readInteger()!)
        self.receiveTimestamp = NTPTimestamp(rawValue: buffer.readInteger()!)
        self.transmitTimestamp = NTPTimestamp(rawValue: buffer.readInteger()!)
    }
}
