import Foundation
import NIOCore
import RoostCoordination
import Synchronization

extension RedisEventBus {
    /// Subscribes to the type's channel on the shared subscriber connection; a child task
    /// moves messages into the subscription's buffer, which ends at shutdown once drained.
    func subscribeBroadcast<E: Event, Result: Sendable>(
        to type: E.Type, _ body: (EventSubscription<E>) async throws -> Result
    ) async throws -> Result {
        let source = BroadcastSource(eventType: E.eventType)
        let id = state.withLock { state in
            state.nextSourceID += 1
            state.broadcastSources[state.nextSourceID] = source
            return state.nextSourceID
        }
        defer { _ = state.withLock { $0.broadcastSources.removeValue(forKey: id) } }
        let marker = shutdownMarker
        return try await subscriber.subscribe(to: [.channel(channel(E.eventType))]) { subscription in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in subscription.messages {
                        let payload = message.payload.readableBytesView
                        if payload.starts(with: Self.shutdownMarkerPrefix) {
                            // Another bus's marker is not for us; ours ends the subscription
                            // after everything published before the shutdown.
                            if payload.elementsEqual(marker) { break }
                            continue
                        }
                        source.append(EventEnvelope(eventType: E.eventType, payload: Data(payload)))
                    }
                    source.finish()
                }
                defer { group.cancelAll() }
                return try await body(EventSubscription(source: source) { try await Task.sleep(for: $0) })
            }
        }
    }

    /// Ends every broadcast subscription after the events published before this call:
    /// publishes this bus's shutdown marker on each subscribed channel (pub/sub keeps
    /// order, so the marker arrives after them). If that fails, ends them at once.
    func finishBroadcastSubscriptions() async {
        let sources = state.withLock { Array($0.broadcastSources.values) }
        for eventType in Set(sources.map(\.eventType)) {
            do {
                try await publisher.send(
                    RedisCommand("PUBLISH", .string(channel(eventType)), .bytes(ByteBuffer(bytes: shutdownMarker))))
            } catch {
                logger.debug("could not publish the shutdown marker", metadata: ["error": "\(error)"])
                for source in sources where source.eventType == eventType { source.finish() }
            }
        }
    }

    /// The bytes every shutdown marker starts with; never the start of a JSON payload.
    static let shutdownMarkerPrefix: [UInt8] = Array("\u{0}roost-event-bus-shutdown:".utf8)
}

/// The buffer between a broadcast subscription's messages and its consumer.
final class BroadcastSource: EventSource {
    private struct State {
        var buffer: [EventEnvelope] = []
        var head = 0
        var finished = false
        var waiter: UnsafeContinuation<EventEnvelope?, any Error>?
    }

    let eventType: String
    private let state = Mutex(State())

    init(eventType: String) {
        self.eventType = eventType
    }

    func append(_ envelope: EventEnvelope) {
        let waiter = state.withLock { state -> UnsafeContinuation<EventEnvelope?, any Error>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(envelope)
            return nil
        }
        waiter?.resume(returning: envelope)
    }

    /// Ends the subscription once the events already received are consumed.
    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func nextEnvelope() async throws -> EventEnvelope? {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                let ready: EventEnvelope?? = state.withLock { state in
                    if state.head < state.buffer.count {
                        defer {
                            state.head += 1
                            if state.head == state.buffer.count {
                                state.buffer.removeAll(keepingCapacity: true)
                                state.head = 0
                            }
                        }
                        return .some(state.buffer[state.head])
                    }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready {
                    if ready == nil, Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume(returning: ready)
                    }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
