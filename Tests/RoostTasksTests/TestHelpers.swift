import Synchronization

/// A random source that returns the given values in turn (cycling).
struct FixedRandom: RandomNumberGenerator {
    var values: [UInt64]
    var index = 0

    init(_ values: UInt64...) { self.values = values }

    mutating func next() -> UInt64 {
        defer { index = (index + 1) % values.count }
        return values[index]
    }
}

/// A thread-safe counter for observing how often something happened.
final class Counter: Sendable {
    private let value = Mutex(0)
    private let peakValue = Mutex(0)

    var current: Int { value.withLock { $0 } }
    var peak: Int { peakValue.withLock { $0 } }

    @discardableResult
    func increment() -> Int {
        let now = value.withLock { value -> Int in
            value += 1
            return value
        }
        peakValue.withLock { $0 = max($0, now) }
        return now
    }

    func decrement() { value.withLock { $0 -= 1 } }
}

/// A thread-safe log of events in the order they happened.
final class EventLog<Event: Sendable>: Sendable {
    private let events = Mutex<[Event]>([])
    var all: [Event] { events.withLock { $0 } }
    func append(_ event: Event) { events.withLock { $0.append(event) } }
}

struct TestFailure: Error, Equatable {
    var id: Int
}

func approximatelyEqual(_ lhs: Duration, _ rhs: Duration) -> Bool {
    let difference = lhs > rhs ? lhs - rhs : rhs - lhs
    return difference < .microseconds(1)
}
