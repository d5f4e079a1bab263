extension IPAddress {
    /// Creates an IPv6 address from its 128-bit value.
    ///
    /// A value in `::ffff:0:0/96` becomes the IPv4 address it maps, as when parsing.
    ///
    /// ```swift
    /// IPAddress(ipv6: 1).description     // "::1"
    /// ```
    public init(ipv6 value: UInt128) {
        if value >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: value))
        } else {
            self.init(bytes: (0..<16).map { UInt8(truncatingIfNeeded: value >> (120 - 8 * UInt128($0))) })
        }
    }

    /// The 32-bit value of an IPv4 address, `nil` for IPv6.
    ///
    /// ```swift
    /// IPAddress("10.0.0.1")?.ipv4Value   // 167772161
    /// ```
    public var ipv4Value: UInt32? {
        guard isIPv4 else { return nil }
        return bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
