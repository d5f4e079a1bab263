import Foundation
import Synchronization

/// Generates time-ordered UUIDs (version 7, RFC 9562).
///
/// A UUIDv7 starts with the Unix time in milliseconds, so identifiers sort by creation
/// time, index well in B-trees and tell when they were made. This generator is also
/// **monotonic**: every value it returns is greater than the previous one, even when
/// several are made in the same millisecond or the system clock steps backwards. It uses
/// RFC 9562's 12-bit counter method: within one millisecond the `rand_a` field counts up
/// from a random start; when it overflows, the timestamp moves one millisecond ahead.
///
/// ```swift
/// let id = UUIDv7Generator.shared.next()      // 019a…-7…
/// let made = UUIDv7Generator.date(of: id)     // when it was made
/// ```
public final class UUIDv7Generator: Sendable {
    /// A process-wide generator on the system clock.
    public static let shared = UUIDv7Generator()

    private struct State {
        var lastMilliseconds: UInt64 = 0
        var counter: UInt16 = 0
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> UInt64

    /// Creates a generator.
    ///
    /// - Parameter now: Milliseconds since the Unix epoch; the system clock by default.
    ///   Tests inject a clock to check ordering across clock steps.
    public init(now: @escaping @Sendable () -> UInt64 = UUIDv7Generator.systemMilliseconds) {
        self.now = now
    }

    /// Returns a new identifier, greater than every one this generator returned before.
    public func next() -> UUID {
        var random = SystemRandomNumberGenerator()
        let (milliseconds, counter) = state.withLock { state -> (UInt64, UInt16) in
            let current = now() & 0xFFFF_FFFF_FFFF
            if current > state.lastMilliseconds {
                state.lastMilliseconds = current
                // Start low in the 12-bit space so many ids fit in one millisecond.
                state.counter = UInt16.random(in: 0..<0x400, using: &random)
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                // Counter exhausted, or the clock went back: borrow the next millisecond.
                state.lastMilliseconds += 1
                state.counter = 0
            }
            return (state.lastMilliseconds, state.counter)
        }
        let tail = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: tail >> (56 - 8 * UInt64(index))) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// The creation time encoded in a version 7 UUID, or `nil` for other versions.
    public static func date(of uuid: UUID) -> Date? {
        let bytes = uuid.uuid
        guard bytes.6 >> 4 == 7 else { return nil }
        let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5]
            .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Milliseconds since the Unix epoch from the system clock.
    @Sendable public static func systemMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }
}
