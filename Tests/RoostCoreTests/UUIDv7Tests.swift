import Foundation
import RoostCore
import Synchronization
import Testing

@Suite struct UUIDv7Tests {
    @Test func setsVersionAndVariantBits() {
        let id = UUIDv7Generator.shared.next().uuid
        #expect(id.6 >> 4 == 7)
        #expect(id.8 >> 6 == 0b10)
    }

    @Test func encodesTheTimestamp() throws {
        let generator = UUIDv7Generator(now: { 1_700_000_000_123 })
        let date = try #require(UUIDv7Generator.date(of: generator.next()))
        #expect(date.timeIntervalSince1970 == 1_700_000_000.123)
        #expect(UUIDv7Generator.date(of: UUID()) == nil)  // a v4 UUID has no time
    }

    @Test func staysOrderedWithinOneMillisecond() {
        let generator = UUIDv7Generator(now: { 42 })
        let ids = (0..<10_000).map { _ in generator.next().uuidString }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func staysOrderedWhenTheClockGoesBack() {
        let time = Mutex<UInt64>(1_000_000)
        let generator = UUIDv7Generator(now: { time.withLock { $0 } })
        let before = generator.next()
        time.withLock { $0 = 500_000 }  // the system clock stepped back
        let after = generator.next()
        #expect(before.uuidString < after.uuidString)
    }

    @Test func counterOverflowBorrowsTheNextMillisecond() throws {
        let generator = UUIDv7Generator(now: { 7 })
        var last = generator.next()
        for _ in 0..<5_000 { last = generator.next() }  // more than 4096 in one millisecond
        let date = try #require(UUIDv7Generator.date(of: last))
        #expect(date.timeIntervalSince1970 > 0.007)
    }

    @Test func isUniqueUnderConcurrentUse() async {
        let generator = UUIDv7Generator()
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2_000).map { _ in generator.next() } } }
            return await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 16_000)
    }

    @Test func textFormIsCanonicalLowercaseAndOrdered() throws {
        let generator = UUIDv7Generator(now: { 1_700_000_000_123 })
        var previous = ""
        for _ in 0..<3_000 {
            let text = generator.nextString()
            let uuid = try #require(UUID(uuidString: text))
            #expect(text == uuid.uuidString.lowercased())
            #expect(uuid.uuid.6 >> 4 == 7 && uuid.uuid.8 >> 6 == 0b10)
            #expect(UUIDv7Generator.date(of: uuid)?.timeIntervalSince1970 == 1_700_000_000.123)
            #expect(text > previous)
            previous = text
        }
    }
}
