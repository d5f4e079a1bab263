/// A first-in first-out queue of envelopes with amortised O(1) operations and an
/// optional bound that drops the oldest entry.
struct EnvelopeQueue {
    private var items: [EventEnvelope] = []
    private var head = 0

    /// The number of queued envelopes.
    var count: Int { items.count - head }

    /// Appends `envelope`; when `limit` entries are already queued, drops the oldest first
    /// and returns true.
    mutating func append(_ envelope: EventEnvelope, limit: Int) -> Bool {
        var dropped = false
        if count >= limit {
            _ = popFirst()
            dropped = true
        }
        items.append(envelope)
        return dropped
    }

    /// Removes and returns the oldest envelope.
    mutating func popFirst() -> EventEnvelope? {
        guard head < items.count else { return nil }
        let first = items[head]
        head += 1
        if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return first
    }
}
