import Synchronization

/// A thread-safe cache of at most `capacity` entries that evicts the least recently used
/// entry when full.
///
/// Reading an entry with ``value(for:)`` or writing it marks it most recently used.
/// Integer values can be counted up and down with ``increment(_:by:)`` and
/// ``decrement(_:by:)``.
///
/// ```swift
/// let users = LRUCache<Int, User>(capacity: 1_000)
/// users.set(user, for: user.id)
/// if let cached = users.value(for: 42) { return cached }
/// ```
public final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let storage: Mutex<LRUStorage<Key, Value>>

    /// The most entries the cache holds.
    public let capacity: Int

    /// Creates an empty cache.
    ///
    /// - Parameter capacity: The most entries held; at least 1.
    public init(capacity: Int) {
        precondition(capacity >= 1, "capacity must be at least 1")
        self.capacity = capacity
        storage = Mutex(LRUStorage(capacity: capacity))
    }

    /// The number of entries.
    public var count: Int { storage.withLock { $0.count } }

    /// The keys from most to least recently used.
    public var keys: [Key] { storage.withLock { $0.keys } }

    /// The value for `key`, marking the entry most recently used; nil if absent.
    public func value(for key: Key) -> Value? { storage.withLock { $0.value(for: key) } }

    /// The value for `key` without marking it used.
    public func peek(_ key: Key) -> Value? { storage.withLock { $0.peek(key) } }

    /// Stores `value` for `key` as the most recently used entry, evicting the least recently
    /// used entry if the cache is full.
    ///
    /// - Returns: The evicted entry, if one was.
    @discardableResult
    public func set(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        storage.withLock { $0.set(value, for: key) }
    }

    /// Removes the entry for `key` and returns its value.
    @discardableResult
    public func removeValue(for key: Key) -> Value? { storage.withLock { $0.remove(key) } }

    /// Removes every entry.
    public func removeAll() { storage.withLock { $0.removeAll() } }

    /// Applies `update` to the value for `key` (nil when absent) under the cache's lock and
    /// stores the result (removing the entry when it is nil); returns the stored value.
    @discardableResult
    public func update(_ key: Key, _ update: (Value?) -> Value?) -> Value? {
        storage.withLock { storage in
            guard let new = update(storage.value(for: key)) else {
                _ = storage.remove(key)
                return nil
            }
            storage.set(new, for: key)
            return new
        }
    }
}

extension LRUCache where Value: BinaryInteger {
    /// Adds `amount` to the value for `key` (an absent key counts from 0) and returns the
    /// new value.
    @discardableResult
    public func increment(_ key: Key, by amount: Value = 1) -> Value {
        update(key) { ($0 ?? 0) + amount }!
    }

    /// Subtracts `amount` from the value for `key` (an absent key counts from 0) and returns
    /// the new value.
    @discardableResult
    public func decrement(_ key: Key, by amount: Value = 1) -> Value {
        update(key) { ($0 ?? 0) - amount }!
    }
}
