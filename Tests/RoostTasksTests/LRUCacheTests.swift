import RoostTasks
import RoostTestSupport
import Testing

@Suite struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        let cache = LRUCache<String, Int>(capacity: 3)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")
        #expect(cache.value(for: "a") == 1)  // "a" is now the most recent
        let evicted = cache.set(4, for: "d")
        #expect(evicted?.key == "b")
        #expect(evicted?.value == 2)
        #expect(cache.value(for: "b") == nil)
        #expect(cache.keys == ["d", "a", "c"])
        #expect(cache.count == 3)
    }

    @Test func peekDoesNotPromote() {
        let cache = LRUCache<Int, String>(capacity: 2)
        cache.set("one", for: 1)
        cache.set("two", for: 2)
        #expect(cache.peek(1) == "one")
        cache.set("three", for: 3)
        #expect(cache.peek(1) == nil)
        #expect(cache.keys == [3, 2])
    }

    @Test func overwritingKeepsOneEntryAndPromotes() {
        let cache = LRUCache<Int, Int>(capacity: 2)
        cache.set(1, for: 1)
        cache.set(2, for: 2)
        #expect(cache.set(10, for: 1) == nil)
        #expect(cache.count == 2)
        cache.set(3, for: 3)
        #expect(cache.keys == [3, 1])
        #expect(cache.value(for: 1) == 10)
    }

    @Test func removeAndReuseSlots() {
        let cache = LRUCache<Int, Int>(capacity: 3)
        for round in 0..<100 {
            cache.set(round, for: round % 5)
            if round % 3 == 0 { cache.removeValue(for: round % 5) }
        }
        #expect(cache.count <= 3)
        #expect(cache.keys.count == cache.count)
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.keys.isEmpty)
    }

    @Test func incrementAndDecrementCountFromZero() {
        let cache = LRUCache<String, Int>(capacity: 10)
        #expect(cache.increment("hits") == 1)
        #expect(cache.increment("hits", by: 5) == 6)
        #expect(cache.decrement("hits", by: 2) == 4)
        #expect(cache.decrement("misses") == -1)
        #expect(cache.value(for: "hits") == 4)
    }

    @Test func behavesLikeAReferenceModel() {
        // Random operations against a plain array kept in recency order.
        var generator = SplitMix64(seed: 7)
        let cache = LRUCache<Int, Int>(capacity: 8)
        var model: [(key: Int, value: Int)] = []
        for step in 0..<5_000 {
            let key = Int(generator.next() % 20)
            switch generator.next() % 3 {
            case 0:
                cache.set(step, for: key)
                model.removeAll { $0.key == key }
                model.insert((key, step), at: 0)
                if model.count > 8 { model.removeLast() }
            case 1:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.insert(expected, at: 0) }
                #expect(cache.value(for: key) == expected?.value)
            default:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                #expect(cache.removeValue(for: key) == expected?.value)
            }
        }
        #expect(cache.keys == model.map(\.key))
    }
}
