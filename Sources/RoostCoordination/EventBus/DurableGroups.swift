import RoostTasks
import Synchronization

/// The consumer groups behind ``InMemoryEventBus``'s durable subscriptions: per event
/// type and group a queue of events, each handed to one consumer at a time, redelivered
/// when not acknowledged in time, and dead-lettered after too many deliveries.
final class DurableGroups<C: Clock>: Sendable where C.Duration == Duration {
    struct GroupKey: Hashable {
        var eventType: String
        var name: String
    }

    struct Entry {
        var envelope: EventEnvelope
        var deliveries = 0
        /// When the current delivery counts as failed; nil while waiting for a consumer.
        var deadline: C.Instant?
    }

    struct Group {
        var redeliverAfter: Duration
        var maxDeliveries: Int
        var entries: [UInt64: Entry] = [:]
        /// Entries waiting for a consumer, oldest first.
        var ready: [UInt64] = []
        var deadLetters: [EventEnvelope] = []
    }

    struct State {
        var groups: [GroupKey: Group] = [:]
        var nextEntry: UInt64 = 0
        /// The entry each consumer is handling, acknowledged when it asks for the next one.
        var current: [UInt64: (GroupKey, UInt64)] = [:]
        var isShutDown = false
        var dropped = 0
    }

    private let clock: C
    private let limit: Int
    private let state = Mutex(State())
    private let changed = ReleaseSignal()

    init(clock: C, limit: Int) {
        self.clock = clock
        self.limit = limit
    }

    var droppedCount: Int { state.withLock { $0.dropped } }

    /// Creates the group if needed; events published from now on reach it.
    func register(_ key: GroupKey, redeliverAfter: Duration, maxDeliveries: Int) {
        state.withLock { state in
            if state.groups[key] == nil {
                state.groups[key] = Group(redeliverAfter: redeliverAfter, maxDeliveries: maxDeliveries)
            }
        }
    }

    /// Queues `envelope` for every group of its type.
    func append(_ envelope: EventEnvelope) {
        let queued = state.withLock { state -> Bool in
            var queued = false
            for key in state.groups.keys where key.eventType == envelope.eventType {
                state.nextEntry += 1
                state.groups[key]!.entries[state.nextEntry] = Entry(envelope: envelope)
                state.groups[key]!.ready.append(state.nextEntry)
                if state.groups[key]!.ready.count > limit {
                    let oldest = state.groups[key]!.ready.removeFirst()
                    state.groups[key]!.entries.removeValue(forKey: oldest)
                    state.dropped += 1
                }
                queued = true
            }
            return queued
        }
        if queued { changed.signal() }
    }

    /// Acknowledges what `consumer` is handling, then hands it the next entry of `key`,
    /// waiting for one; nil once shut down with nothing ready.
    func next(_ key: GroupKey, consumer: UInt64) async throws -> EventEnvelope? {
        acknowledge(consumer: consumer)
        while true {
            let seen = changed.count
            let now = clock.now
            let (claimed, wake) = state.withLock { state -> (EventEnvelope??, C.Instant?) in
                guard var group = state.groups[key] else { return (.some(nil), nil) }
                defer { state.groups[key] = group }
                group.reclaimExpired(at: now)
                guard !group.ready.isEmpty else {
                    if state.isShutDown { return (.some(nil), nil) }
                    return (nil, group.entries.values.compactMap(\.deadline).min())
                }
                let id = group.ready.removeFirst()
                group.entries[id]!.deliveries += 1
                group.entries[id]!.deadline = now.advanced(by: group.redeliverAfter)
                state.current[consumer] = (key, id)
                return (.some(group.entries[id]!.envelope), nil)
            }
            if let claimed { return claimed }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.changed.wait(after: seen) }
                if let wake {
                    group.addTask {
                        // Cancellation only means the other wake-up came first.
                        try? await self.clock.sleep(until: wake, tolerance: nil)
                    }
                }
                await group.next()
                group.cancelAll()
            }
            try Task.checkCancellation()
        }
    }

    /// Marks what `consumer` is handling as done.
    func acknowledge(consumer: UInt64) {
        state.withLock { state in
            guard let (key, id) = state.current.removeValue(forKey: consumer) else { return }
            state.groups[key]?.entries.removeValue(forKey: id)
        }
    }

    /// Leaves what `consumer` is handling unacknowledged, to be redelivered after the
    /// group's timeout.
    func abandon(consumer: UInt64) {
        _ = state.withLock { $0.current.removeValue(forKey: consumer) }
    }

    /// Stops waiting consumers once nothing is ready for them.
    func shutDown() {
        state.withLock { $0.isShutDown = true }
        changed.signal()
    }

    func deadLetters(_ key: GroupKey) -> [EventEnvelope] {
        state.withLock { $0.groups[key]?.deadLetters ?? [] }
    }

    func pendingCount(_ key: GroupKey) -> Int {
        state.withLock { $0.groups[key]?.entries.count ?? 0 }
    }
}

extension DurableGroups.Group {
    /// Makes entries whose delivery timed out ready again, or dead letters when they have
    /// been delivered `maxDeliveries` times.
    mutating func reclaimExpired(at now: C.Instant) {
        let expired = entries.filter { $0.value.deadline.map { $0 <= now } ?? false }.sorted { $0.key < $1.key }
        for (id, entry) in expired {
            if entry.deliveries >= maxDeliveries {
                entries.removeValue(forKey: id)
                deadLetters.append(entry.envelope)
            } else {
                entries[id]!.deadline = nil
                ready.append(id)
            }
        }
    }
}
