import Testing

@testable import RoostScope

/// The per-service use counts, whose first user is kept inline.
@Suite struct UseCountsTests {
    @Test func countsUsesPerUserAndPromotesAnotherWhenTheInlineOneLeaves() {
        var counts = UseCounts()
        #expect(counts.isEmpty && counts.total == 0 && counts.ids.isEmpty)
        let (a, b, c) = (NodeID(raw: 1), NodeID(raw: 2), NodeID(raw: 3))
        counts.add(a)
        counts.add(a)
        counts.add(b)
        counts.add(c)
        #expect(counts[a] == 2 && counts[b] == 1 && counts[c] == 1 && counts.total == 4)
        #expect(Set(counts.ids) == [a, b, c])
        counts[a] = nil  // the inline user leaves; b or c takes its place
        #expect(counts[a] == nil && counts.total == 2 && Set(counts.ids) == [b, c])
        counts[b] = 0
        counts[c] = 5
        #expect(counts[c] == 5 && counts.ids == [c] && !counts.isEmpty)
        counts[c] = nil
        #expect(counts.isEmpty && counts.ids.isEmpty)
        counts.add(b)
        #expect(counts[b] == 1 && counts.total == 1)
    }
}
