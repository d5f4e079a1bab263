/// The storage of an ``LRUCache``: a dictionary into a doubly linked list kept in an array,
/// so that lookup, insertion, promotion and eviction are all O(1) without per-node objects.
struct LRUStorage<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value
        var previous: Int
        var next: Int
    }

    private var index: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    /// Most recently used node, or -1.
    private var head = -1
    /// Least recently used node, or -1.
    private var tail = -1

    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { index.count }

    /// Keys from most to least recently used.
    var keys: [Key] {
        var result: [Key] = []
        var cursor = head
        while cursor >= 0 {
            result.append(nodes[cursor].key)
            cursor = nodes[cursor].next
        }
        return result
    }

    /// The value for `key`, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// The value for `key` without changing the order.
    func peek(_ key: Key) -> Value? { index[key].map { nodes[$0].value } }

    /// Stores `value`, marking it most recently used; returns the evicted entry, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        if let slot = index[key] {
            nodes[slot].value = value
            moveToFront(slot)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if index.count >= capacity, tail >= 0 {
            let old = nodes[tail]
            evicted = (old.key, old.value)
            _ = remove(old.key)
        }
        let node = Node(key: key, value: value, previous: -1, next: head)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
        index[key] = slot
        return evicted
    }

    /// Removes `key`; returns its value.
    mutating func remove(_ key: Key) -> Value? {
        guard let slot = index.removeValue(forKey: key) else { return nil }
        unlink(slot)
        free.append(slot)
        return nodes[slot].value
    }

    mutating func removeAll() {
        self = LRUStorage(capacity: capacity)
    }

    private mutating func unlink(_ slot: Int) {
        let previous = nodes[slot].previous
        let next = nodes[slot].next
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].next = head
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
