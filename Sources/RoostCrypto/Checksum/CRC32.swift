/// The CRC-32 checksum used by zip, gzip, PNG and Ethernet (ISO-HDLC: reflected
/// polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF).
///
/// A checksum detects accidental corruption; it is not a cryptographic hash.
///
/// ```swift
/// CRC32.checksum(Array("123456789".utf8)) // 0xCBF43926
///
/// var crc = CRC32()          // incremental, for streams
/// crc.update(firstChunk)
/// crc.update(secondChunk)
/// let value = crc.value
/// ```
public struct CRC32: Sendable, Hashable {
    private static let table: [UInt32] = (0..<256).map { index in
        var entry = UInt32(index)
        for _ in 0..<8 {
            entry = entry & 1 == 1 ? (entry >> 1) ^ 0xEDB8_8320 : entry >> 1
        }
        return entry
    }

    private var state: UInt32 = 0xFFFF_FFFF

    /// Starts a new checksum over no bytes.
    public init() {}

    /// Feeds more bytes into the checksum.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var crc = state
        for byte in bytes {
            crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        state = crc
    }

    /// The checksum of every byte fed so far.
    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of the UTF-8 bytes of `text`.
    public static func checksum(_ text: String) -> UInt32 { checksum(text.utf8) }
}
