import Foundation
import RoostCore
import Synchronization
import Testing

/// A settable millisecond clock.
final class ManualMilliseconds: Sendable {
    private let value: Mutex<UInt64>
    init(_ start: UInt64) { value = Mutex(start) }
    func set(_ milliseconds: UInt64) { value.withLock { $0 = milliseconds } }
    var now: @Sendable () -> UInt64 { { self.value.withLock { $0 } } }
}

@Suite struct SnowflakeGeneratorTests {
    let epoch = SnowflakeGenerator.defaultEpoch
    var epochMilliseconds: UInt64 { UInt64(epoch.timeIntervalSince1970 * 1000) }

    @Test func layoutOfAnId() throws {
        let clock = ManualMilliseconds(epochMilliseconds + 1234)
        let generator = try SnowflakeGenerator(workerID: 513, now: clock.now)
        let first = generator.next()
        #expect(first == Int64(1234) << 22 | Int64(513) << 12)
        let second = generator.next()
        let parts = SnowflakeGenerator.Parts(second)
        #expect(parts.workerID == 513)
        #expect(parts.sequence == 1)
        #expect(parts.date == epoch.addingTimeInterval(1.234))
        clock.set(epochMilliseconds + 1235)
        #expect(SnowflakeGenerator.Parts(generator.next()).sequence == 0)
    }

    @Test func clockRegressionNeverRepeatsOrGoesBack() throws {
        let clock = ManualMilliseconds(epochMilliseconds + 10_000)
        let generator = try SnowflakeGenerator(workerID: 1, now: clock.now)
        var last = generator.next()
        for step in [UInt64(9_000), 5_000, 10_000, 10_001, 2, 10_002] {
            clock.set(epochMilliseconds + step)
            for _ in 0..<3 {
                let id = generator.next()
                #expect(id > last)
                last = id
            }
        }
        // While the clock was behind, ids stayed in the 10 000 ms logical time.
        #expect(SnowflakeGenerator.Parts(last).date >= epoch.addingTimeInterval(10.002))
    }

    @Test func sequenceOverflowBorrowsTheNextMillisecond() throws {
        let clock = ManualMilliseconds(epochMilliseconds + 50)
        let generator = try SnowflakeGenerator(workerID: 0, now: clock.now)
        var ids: [Int64] = []
        for _ in 0..<5000 { ids.append(generator.next()) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        let lastParts = SnowflakeGenerator.Parts(ids.last!)
        #expect(lastParts.date == epoch.addingTimeInterval(0.051))
        #expect(lastParts.sequence == 5000 - 4096 - 1)
        // Once the real clock passes the borrowed millisecond, it takes over.
        clock.set(epochMilliseconds + 60)
        #expect(SnowflakeGenerator.Parts(generator.next()) == SnowflakeGenerator.Parts(Int64(60) << 22))
    }

    @Test func concurrentCallersGetUniqueIncreasingIds() async throws {
        let generator = try SnowflakeGenerator(workerID: 42)
        let batches = await withTaskGroup(of: [Int64].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<12_500).map { _ in generator.next() } }
            }
            return await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = batches.flatMap { $0 }
        #expect(all.count == 100_000)
        #expect(Set(all).count == 100_000)
        for batch in batches { #expect(batch == batch.sorted()) }
        #expect(all.allSatisfy { SnowflakeGenerator.Parts($0).workerID == 42 })
    }

    @Test func customEpochAndInvalidWorker() throws {
        let epoch = Date(timeIntervalSince1970: 1_288_834_974.657)  // Twitter's
        let clock = ManualMilliseconds(1_288_834_974_657 + 7)
        let generator = try SnowflakeGenerator(workerID: 3, epoch: epoch, now: clock.now)
        #expect(generator.next() >> 22 == 7)
        #expect(throws: SnowflakeError(workerID: 1024)) { try SnowflakeGenerator(workerID: 1024) }
        #expect(SnowflakeError(workerID: 1024).code == "id.snowflake.invalid_worker")
    }
}
