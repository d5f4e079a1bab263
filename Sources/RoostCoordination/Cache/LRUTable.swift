/// A dictionary that remembers use order, for least-recently-used eviction: lookups,
/// insertions, removals and "touch" are O(1).
struct LRUTable<Value> {
    private struct Node {
        var value: Value
        var older: String?
        var newer: String?
    }

    private var nodes: [String: Node] = [:]
    private var newest: String?
    private var oldest: String?

    /// The number of entries.
    var count: Int { nodes.count }

    /// The value at `key`, without changing its position.
    func peek(_ key: String) -> Value? { nodes[key]?.value }

    /// Marks `key` as the most recently used.
    mutating func touch(_ key: String) {
        guard let node = nodes[key], newest != key else { return }
        unlink(key, node)
        link(key, value: node.value)
    }

    /// Inserts or replaces the value at `key` as the most recently used.
    mutating func set(_ key: String, _ value: Value) {
        if let node = nodes[key] { unlink(key, node) }
        link(key, value: value)
    }

    /// Removes `key`; returns its value.
    @discardableResult
    mutating func remove(_ key: String) -> Value? {
        guard let node = nodes[key] else { return nil }
        unlink(key, node)
        return node.value
    }

    /// Removes and returns the least recently used entry.
    mutating func removeOldest() -> (key: String, value: Value)? {
        guard let key = oldest, let value = remove(key) else { return nil }
        return (key, value)
    }

    /// Removes every entry for which `shouldRemove` is true.
    mutating func removeAll(where shouldRemove: (Value) -> Bool) {
        for (key, node) in nodes where shouldRemove(node.value) { remove(key) }
    }

    private mutating func unlink(_ key: String, _ node: Node) {
        if let older = node.older { nodes[older]!.newer = node.newer } else { oldest = node.newer }
        if let newer = node.newer { nodes[newer]!.older = node.older } else { newest = node.older }
        nodes.removeValue(forKey: key)
    }

    private mutating func link(_ key: String, value: Value) {
        nodes[key] = Node(value: value, older: newest, newer: nil)
        if let newest { nodes[newest]!.newer = key } else { oldest = key }
        newest = key
    }
}
