import Synchronization

/// Cryptographically secure random numbers for the whole process, drawn from one shared
/// pool that reads the operating system's generator 512 bytes at a time.
///
/// `SystemRandomNumberGenerator` makes one system call per 64-bit word on Linux; a lock
/// token, a request id or a nonce made of two words then costs two. This generator costs
/// one system call per 64 words, and a short lock otherwise.
///
/// ```swift
/// var random = SecureRandomGenerator()
/// let nonce = random.next()                      // a UInt64
/// let jitter = Int.random(in: 0..<100, using: &random)
/// let token = SecureRandomGenerator.hexToken()   // 32 lowercase hex digits, 128 bits
/// ```
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    private static let pool = Mutex(RandomPool())

    /// Creates a generator; every instance draws from the same process-wide pool.
    public init() {}

    /// The next random 64-bit word.
    public mutating func next() -> UInt64 {
        Self.pool.withLock { $0.next() }
    }

    /// 128 random bits as 32 lowercase hexadecimal digits, in one allocation.
    public static func hexToken() -> String {
        let (high, low) = pool.withLock { pool in (pool.next(), pool.next()) }
        return String(unsafeUninitializedCapacity: 32) { out in
            for index in 0..<32 {
                let word = index < 16 ? high : low
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (index % 16))) & 0xF
                out[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 32
        }
    }
}
