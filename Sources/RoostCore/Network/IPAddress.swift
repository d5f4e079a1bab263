#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed strictly from its text form.
///
/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are treated as the IPv4 address they
/// carry, so a proxy list written with IPv4 networks matches dual-stack peers too.
///
/// ```swift
/// let address = IPAddress("2001:db8::1")        // non-nil
/// IPAddress("10.0.0.300")                         // nil
/// IPAddress("192.168.1.20")?.integerValue         // 3232235796
/// ```
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// Parses an address; `nil` when `text` is not a valid IPv4 or IPv6 address.
    /// A zone (`fe80::1%eth0`) and surrounding brackets (`[::1]`) are accepted and dropped.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        self.bytes = bytes.prefix(12).elementsEqual(mappedPrefix) ? Array(bytes.suffix(4)) : bytes
    }

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes in network order.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// Creates an IPv4 address from its 32-bit value.
    public init(ipv4 value: UInt32) {
        self.bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// The address as an unsigned integer (32 bits for IPv4, 128 for IPv6).
    public var integerValue: UInt128 {
        bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
    }

    /// The canonical text form (`10.0.0.1`, `2001:db8::1`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A block of addresses in CIDR notation, such as `10.0.0.0/8` or `fd00::/8`.
///
/// ```swift
/// let proxies = try IPNetwork("10.0.0.0/8")
/// proxies.contains(IPAddress("10.1.2.3")!)   // true
/// ```
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block.
    public let address: IPAddress
    /// The number of leading bits that are fixed.
    public let prefixLength: Int

    /// Parses `address/prefix`; a bare address is a block of one.
    public init(_ text: String) throws(InvalidIPNetwork) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { throw InvalidIPNetwork(text: text) }
        let maximum = address.bytes.count * 8
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { throw InvalidIPNetwork(text: text) }
            length = parsed
        } else {
            length = maximum
        }
        self.address = address
        self.prefixLength = length
    }

    /// Whether `candidate` lies in this block (an IPv4 address never lies in an IPv6 block).
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address.bytes, candidate.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// `address/prefixLength`.
    public var description: String { "\(address)/\(prefixLength)" }
}

/// Thrown for text that is not an address or a CIDR block.
public struct InvalidIPNetwork: RoostError {
    /// The text that failed to parse.
    public let text: String
    /// `net.cidr.invalid`.
    public var code: ErrorCode { "net.cidr.invalid" }
    /// What was wrong and what is expected.
    public var message: String {
        "\"\(text)\" is not an IP network; write an address with an optional prefix, such as 10.0.0.0/8 or fd00::/8"
    }
}
