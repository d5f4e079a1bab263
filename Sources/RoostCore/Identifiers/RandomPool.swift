#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random 64-bit words from the operating system's cryptographically secure generator,
/// read 512 bytes at a time: one system call per 64 words instead of one per word, which
/// is what `SystemRandomNumberGenerator` costs on Linux.
///
/// Not thread-safe: the owner serialises access (``UUIDv7Generator`` keeps one in its lock).
struct RandomPool {
    private static let capacity = 64
    private var words = [UInt64](repeating: 0, count: RandomPool.capacity)
    private var used = RandomPool.capacity

    /// The next random word.
    mutating func next() -> UInt64 {
        if used == Self.capacity { refill() }
        defer { used += 1 }
        return words[used]
    }

    private mutating func refill() {
        let complete = words.withUnsafeMutableBytes { RandomPool.readSystemRandom(into: $0) }
        if !complete {
            // No /dev/urandom (a bare chroot): the standard library's generator is just as
            // secure, only slower.
            var generator = SystemRandomNumberGenerator()
            for index in words.indices { words[index] = generator.next() }
        }
        used = 0
    }

    /// Fills `buffer` from `/dev/urandom` (the same generator as `getrandom(2)` once the
    /// kernel is seeded); returns `false` if it could not.
    private static func readSystemRandom(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let descriptor = urandom
        guard descriptor >= 0, let base = buffer.baseAddress else { return false }
        var filled = 0
        while filled < buffer.count {
            let count = read(descriptor, base + filled, buffer.count - filled)
            if count > 0 {
                filled += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// `/dev/urandom`, opened once for the process (-1 if it cannot be opened).
    private static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
}
