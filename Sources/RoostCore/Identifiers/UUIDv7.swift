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
        var random = RandomPool()
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
        let (high, low) = nextBits()
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
            UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
            UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
            UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        ))
    }

    /// Returns a new identifier in its canonical lowercase text form
    /// (`019a7c3e-5b2f-7a01-8c4d-…`), the same as `next().uuidString.lowercased()` without
    /// the intermediate strings.
    public func nextString() -> String {
        let (high, low) = nextBits()
        return String(unsafeUninitializedCapacity: 36) { text in
            let digits: StaticString = "0123456789abcdef"
            var position = 0
            func put(_ bits: UInt64, nibbles: Int) {
                for shift in stride(from: 4 * (nibbles - 1), through: 0, by: -4) {
                    text[position] = digits.utf8Start[Int(truncatingIfNeeded: bits >> UInt64(shift)) & 0xF]
                    position += 1
                }
            }
            func dash() {
                text[position] = UInt8(ascii: "-")
                position += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return position
        }
    }

    /// The identifier's 128 bits: the timestamp, version and counter, then the variant
    /// and 62 random bits.
    private func nextBits() -> (high: UInt64, low: UInt64) {
        state.withLock { state in
            let current = now() & 0xFFFF_FFFF_FFFF
            if current > state.lastMilliseconds {
                state.lastMilliseconds = current
                // Start low in the 12-bit space so many ids fit in one millisecond.
                state.counter = UInt16(truncatingIfNeeded: state.random.next() & 0x3FF)
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                // Counter exhausted, or the clock went back: borrow the next millisecond.
                state.lastMilliseconds += 1
                state.counter = 0
            }
            let high = state.lastMilliseconds << 16 | 0x7000 | UInt64(state.counter)
            let low = 0x8000_0000_0000_0000 | (state.random.next() & 0x3FFF_FFFF_FFFF_FFFF)
            return (high, low)
        }
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
