import Foundation
import Synchronization

/// Generates 63-bit, time-ordered snowflake ids: 41 bits of milliseconds since a custom
/// epoch, 10 bits of worker id and 12 bits of sequence.
///
/// ```
/// 0 | 41-bit milliseconds since epoch | 10-bit worker | 12-bit sequence
/// ```
///
/// Ids from one generator strictly increase. Up to 4096 ids fit in one millisecond; past
/// that, and whenever the system clock steps backwards, the generator keeps **logical
/// time**: it goes on from the last timestamp it used instead of waiting or repeating, and
/// catches up with the real clock once that passes it. Give every process a distinct
/// worker id (0–1023) so ids never collide across machines. 41 bits of milliseconds last
/// about 69 years from the epoch.
///
/// ```swift
/// let ids = try SnowflakeGenerator(workerID: 7)
/// let id = ids.next()                                   // a positive Int64, larger each call
/// SnowflakeGenerator.Parts(id, epoch: ids.epoch).workerID   // 7
/// ```
public final class SnowflakeGenerator: Sendable {
    /// The default epoch, 2024-01-01T00:00:00Z.
    public static let defaultEpoch = Date(timeIntervalSince1970: 1_704_067_200)
    /// The largest worker id (10 bits).
    public static let maxWorkerID: UInt16 = 1023
    static let sequenceBits: UInt64 = 12
    static let workerBits: UInt64 = 10
    static let maxSequence: UInt64 = (1 << sequenceBits) - 1
    static let maxTimestamp: UInt64 = (1 << 41) - 1

    /// This generator's worker id.
    public let workerID: UInt16
    /// The instant timestamp zero stands for.
    public let epoch: Date
    private let epochMilliseconds: UInt64
    private let now: @Sendable () -> UInt64
    private let state = Mutex((milliseconds: UInt64(0), sequence: UInt64(0), started: false))

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - workerID: 0…1023, unique among processes sharing ids.
    ///   - epoch: The instant timestamp zero stands for (default 2024-01-01 UTC).
    ///   - now: Milliseconds since 1970; the system clock by default, injected in tests.
    /// - Throws: ``SnowflakeError`` when the worker id is above 1023.
    public init(
        workerID: UInt16, epoch: Date = SnowflakeGenerator.defaultEpoch,
        now: @escaping @Sendable () -> UInt64 = UUIDv7Generator.systemMilliseconds
    ) throws(SnowflakeError) {
        guard workerID <= Self.maxWorkerID else { throw SnowflakeError(workerID: workerID) }
        self.workerID = workerID
        self.epoch = epoch
        self.epochMilliseconds = UInt64(max(0, (epoch.timeIntervalSince1970 * 1000).rounded()))
        self.now = now
    }

    /// Returns a new id, greater than every id this generator returned before.
    public func next() -> Int64 {
        let (milliseconds, sequence) = state.withLock { state -> (UInt64, UInt64) in
            let current = now()
            let elapsed = current > epochMilliseconds ? current - epochMilliseconds : 0
            if !state.started || elapsed > state.milliseconds {
                state = (elapsed, 0, true)
            } else if state.sequence < Self.maxSequence {
                // Same millisecond, or the clock went back: count on in logical time.
                state.sequence += 1
            } else {
                // Sequence exhausted: borrow the next millisecond.
                state = (state.milliseconds + 1, 0, true)
            }
            return (state.milliseconds, state.sequence)
        }
        precondition(milliseconds <= Self.maxTimestamp, "snowflake timestamp overflow: the epoch is over 69 years ago")
        return Int64(milliseconds << (Self.workerBits + Self.sequenceBits) | UInt64(workerID) << Self.sequenceBits | sequence)
    }

    /// The fields of a snowflake id.
    public struct Parts: Sendable, Hashable {
        /// When the id was made (to the millisecond, in logical time).
        public let date: Date
        /// The worker that made it.
        public let workerID: UInt16
        /// Its position within the millisecond.
        public let sequence: UInt16

        /// Splits `id`, made with `epoch`.
        public init(_ id: Int64, epoch: Date = SnowflakeGenerator.defaultEpoch) {
            let bits = UInt64(bitPattern: id)
            let milliseconds = bits >> (SnowflakeGenerator.workerBits + SnowflakeGenerator.sequenceBits)
            date = epoch.addingTimeInterval(Double(milliseconds) / 1000)
            workerID = UInt16(bits >> SnowflakeGenerator.sequenceBits & 0x3FF)
            sequence = UInt16(bits & SnowflakeGenerator.maxSequence)
        }
    }
}

/// Thrown for a worker id that does not fit in 10 bits.
public struct SnowflakeError: RoostError, Equatable {
    /// The rejected worker id.
    public let workerID: UInt16
    /// Creates the error.
    public init(workerID: UInt16) { self.workerID = workerID }
    /// `id.snowflake.invalid_worker`.
    public var code: ErrorCode { "id.snowflake.invalid_worker" }
    /// What is allowed.
    public var message: String {
        "Worker id \(workerID) does not fit in 10 bits; give each process a distinct id from 0 to 1023."
    }
}
