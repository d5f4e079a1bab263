extension SNTPPacket {
    /// Checks a server's reply as RFC 4330 §5 asks a client to, so that a bad or refusing
    /// server cannot set the clock.
    ///
    /// - Throws: ``SNTPError`` for an unsupported version, a mode other than server or
    ///   broadcast, a kiss-o'-death (stratum 0), an unsynchronised server (leap indicator
    ///   3 or stratum above 15) or a zero transmit timestamp.
    public func validateServerReply() throws {
        guard (1...4).contains(version) else { throw SNTPError(.unsupportedVersion(version)) }
        guard mode == .server || mode == .broadcast else { throw SNTPError(.unexpectedMode(mode)) }
        if stratum == 0 {
            throw SNTPError(.kissOfDeath(referenceCode ?? String(referenceID, radix: 16)))
        }
        guard leapIndicator != .unsynchronized else { throw SNTPError(.unsynchronized) }
        guard stratum <= 15 else { throw SNTPError(.invalidStratum(stratum)) }
        guard transmitTimestamp != .zero else { throw SNTPError(.zeroTransmitTimestamp) }
    }
}
