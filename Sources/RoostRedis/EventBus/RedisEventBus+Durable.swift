import Foundation
import RoostCoordination
import Synchronization

/// A durable subscription's group, redelivery timeout and delivery limit.
struct DurableGroupSettings: Sendable {
    let group: String
    let redeliverAfter: Duration
    let maxDeliveries: Int

    init?(_ mode: SubscriptionMode) {
        guard let settings = mode.durableSettings else { return nil }
        (group, redeliverAfter, maxDeliveries) = settings
    }
}

extension RedisEventBus {
    /// Joins the type's consumer group (creating it, and the stream, at the current end)
    /// on a connection of its own, since reads block; acknowledges the last event when
    /// `body` returns.
    func subscribeDurable<E: Event, Result: Sendable>(
        to type: E.Type, settings: DurableGroupSettings, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        let connection = try await RedisConnection.connect(configuration: configuration.connection, logger: logger)
        do {
            let stream = stream(E.eventType)
            do {
                try await connection.streamCreateGroup(stream, group: settings.group, startingAfter: "$", createStream: true)
            } catch let error as RedisServerError where error.kind == .busyGroup {
                // The group exists: join it where it is.
            }
            let source = DurableSource(
                bus: self, connection: connection, eventType: E.eventType, stream: stream,
                deadLetters: deadLetters(E.eventType, settings.group), settings: settings)
            let result = try await body(EventSubscription(source: source) { try await Task.sleep(for: $0) })
            try await source.leave()
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Reads one consumer's share of a group: new events with `XREADGROUP`, events other
/// members left unfinished with `XAUTOCLAIM`, dead-lettering those delivered too often.
final class DurableSource: EventSource {
    private struct State {
        var unacknowledged: String?
        var lastReclaim: ContinuousClock.Instant?
    }

    let bus: RedisEventBus
    let connection: RedisConnection
    let eventType: String
    let stream: String
    let deadLetters: String
    let settings: DurableGroupSettings
    let consumer = "consumer-\(UUID().uuidString)"
    private let state = Mutex(State())

    init(
        bus: RedisEventBus, connection: RedisConnection, eventType: String, stream: String, deadLetters: String,
        settings: DurableGroupSettings
    ) {
        self.bus = bus
        self.connection = connection
        self.eventType = eventType
        self.stream = stream
        self.deadLetters = deadLetters
        self.settings = settings
    }

    func nextEnvelope() async throws -> EventEnvelope? {
        try await acknowledge()
        let block = min(bus.configuration.pollInterval, settings.redeliverAfter / 2)
        while !bus.isShutDown {
            try Task.checkCancellation()
            if reclaimIsDue(every: block), let envelope = try await reclaim() { return envelope }
            let read = try await connection.streamReadGroup(
                group: settings.group, consumer: consumer, streams: [stream: ">"], count: 1, block: block)
            if let entry = read.values.first?.first { return handOut(entry) }
        }
        return nil
    }

    /// Acknowledges the last event and leaves the group if nothing is pending for this
    /// consumer (a member with pending events stays, so they can be reclaimed).
    func leave() async throws {
        try await acknowledge()
        let pending = try await connection.streamPending(stream, group: settings.group)
        if pending.consumers[consumer] == nil {
            try await connection.streamDeleteConsumer(stream, group: settings.group, consumer: consumer)
        }
    }

    private func acknowledge() async throws {
        guard let id = state.withLock({ state in defer { state.unacknowledged = nil }; return state.unacknowledged }) else {
            return
        }
        try await connection.streamAcknowledge(stream, group: settings.group, ids: [id])
    }

    private func reclaimIsDue(every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let last = state.lastReclaim, last.duration(to: now) < interval else {
                state.lastReclaim = now
                return true
            }
            return false
        }
    }

    /// Claims one event idle for `redeliverAfter`; one past its delivery limit goes to the
    /// dead-letter stream instead, and the next is tried.
    private func reclaim() async throws -> EventEnvelope? {
        while true {
            let claimed = try await connection.streamAutoClaim(
                stream, group: settings.group, consumer: consumer, minIdle: settings.redeliverAfter, count: 1)
            guard let entry = claimed.entries.first else { return nil }
            let pending = try await connection.streamPending(stream, group: settings.group, from: entry.id, to: entry.id, count: 1)
            guard let deliveries = pending.first?.deliveries, deliveries > settings.maxDeliveries else {
                return handOut(entry)
            }
            bus.logger.warning(
                "event delivered too often, dead-lettered",
                metadata: ["event": "\(eventType)", "group": "\(settings.group)", "id": "\(entry.id)"])
            try await connection.streamAdd(deadLetters, fieldList: entry.fields.map { ($0.key, .bytes($0.value)) })
            try await connection.streamAcknowledge(stream, group: settings.group, ids: [entry.id])
        }
    }

    private func handOut(_ entry: RedisStreamEntry) -> EventEnvelope {
        state.withLock { $0.unacknowledged = entry.id }
        let payload = entry.fields["event"].map { Data($0.readableBytesView) } ?? Data()
        return EventEnvelope(eventType: eventType, payload: payload)
    }
}
