import RoostTasks
import RoostTestSupport
import Testing

@Suite struct TTLCacheTests {
    @Test func entriesExpireOnTheClock() {
        let clock = ManualClock()
        let cache = TTLCache<String, String, ManualClock>(defaultTTL: .seconds(10), clock: clock)
        cache.set("v", for: "k")
        cache.set("short", for: "s", ttl: .seconds(2))
        clock.advance(by: .seconds(2))
        #expect(cache.value(for: "s") == nil)
        #expect(cache.value(for: "k") == "v")
        #expect(cache.timeToLive(of: "k") == .seconds(8))
        clock.advance(by: .seconds(8))
        #expect(cache.value(for: "k") == nil)
        #expect(cache.timeToLive(of: "k") == nil)
        #expect(cache.count == 0)
    }

    @Test func settingAgainRestartsTheTimeToLive() {
        let clock = ManualClock()
        let cache = TTLCache<Int, Int, ManualClock>(defaultTTL: .seconds(5), clock: clock)
        cache.set(1, for: 1)
        clock.advance(by: .seconds(4))
        cache.set(2, for: 1)
        clock.advance(by: .seconds(4))
        #expect(cache.value(for: 1) == 2)
    }

    @Test func removeExpiredDropsOnlyExpired() {
        let clock = ManualClock()
        let cache = TTLCache<Int, Int, ManualClock>(defaultTTL: .seconds(5), clock: clock)
        for key in 0..<10 { cache.set(key, for: key, ttl: .seconds(key < 4 ? 1 : 100)) }
        clock.advance(by: .seconds(1))
        #expect(cache.removeExpired() == 4)
        #expect(cache.count == 6)
        #expect(cache.removeValue(for: 5) == 5)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test func writingNewKeysSweepsExpiredOnes() {
        let clock = ManualClock()
        let cache = TTLCache<Int, Int, ManualClock>(defaultTTL: .seconds(1), clock: clock)
        for key in 0..<10_000 {
            cache.set(key, for: key)
            clock.advance(by: .milliseconds(10))
        }
        // Only about the last second's keys are live; sweeps keep the rest from piling up.
        #expect(cache.count < 300)
    }

    @Test func incrementKeepsTheFirstExpiry() {
        let clock = ManualClock()
        let attempts = TTLCache<String, Int, ManualClock>(defaultTTL: .seconds(60), clock: clock)
        #expect(attempts.increment("login:ann") == 1)
        clock.advance(by: .seconds(50))
        #expect(attempts.increment("login:ann", by: 2) == 3)
        #expect(attempts.timeToLive(of: "login:ann") == .seconds(10))
        #expect(attempts.decrement("login:ann") == 2)
        clock.advance(by: .seconds(10))
        #expect(attempts.value(for: "login:ann") == nil)
        #expect(attempts.increment("login:ann") == 1)
        #expect(attempts.timeToLive(of: "login:ann") == .seconds(60))
    }

    @Test func decrementOfAnAbsentKeyStartsAtZeroWithItsOwnTimeToLive() {
        let clock = ManualClock()
        let cache = TTLCache<String, Int, ManualClock>(defaultTTL: .seconds(60), clock: clock)
        #expect(cache.decrement("stock", by: 3, ttl: .seconds(5)) == -3)
        #expect(cache.timeToLive(of: "stock") == .seconds(5))
    }

    @Test func updateToNilRemoves() {
        let cache = TTLCache<String, Int, ManualClock>(defaultTTL: .seconds(60), clock: ManualClock())
        cache.set(1, for: "k")
        #expect(cache.update("k") { _ in nil } == nil)
        #expect(cache.value(for: "k") == nil)
    }
}

@Suite struct TTLMemoTests {
    @Test func reusesAResultForItsTimeToLive() async throws {
        let clock = ManualClock()
        let calls = Counter()
        let memo = TTLMemo<Int, String, ManualClock>(ttl: .seconds(30), clock: clock) { key in
            "value \(key) #\(calls.increment())"
        }
        #expect(try await memo.value(for: 1) == "value 1 #1")
        #expect(try await memo.value(for: 1) == "value 1 #1")
        #expect(try await memo.value(for: 2) == "value 2 #2")
        clock.advance(by: .seconds(30))
        #expect(try await memo.value(for: 1) == "value 1 #3")
        memo.invalidate(1)
        #expect(try await memo.value(for: 1) == "value 1 #4")
        memo.invalidateAll()
        #expect(try await memo.value(for: 2) == "value 2 #5")
    }

    @Test func errorsAreNotCached() async throws {
        let calls = Counter()
        let memo = TTLMemo<String, Int, ManualClock>(ttl: .seconds(30), clock: ManualClock()) { _ in
            if calls.increment() == 1 { throw TestFailure(id: 1) }
            return 7
        }
        await #expect(throws: TestFailure(id: 1)) { try await memo.value(for: "k") }
        #expect(try await memo.value(for: "k") == 7)
        #expect(try await memo.value(for: "k") == 7)
        #expect(calls.current == 2)
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let gate = Gate()
        let calls = Counter()
        let memo = TTLMemo<String, Int, ManualClock>(ttl: .seconds(30), clock: ManualClock()) { _ in
            calls.increment()
            await gate.wait()
            return 5
        }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 { group.addTask { try await memo.value(for: "k") } }
            await eventually { gate.waiterCount == 1 }
            // Let the other callers join the run before it ends.
            for _ in 0..<1_000 { await Task.yield() }
            gate.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: 5, count: 100))
        #expect(calls.current == 1)
    }
}
