import Foundation

/// Something that happened, published on an ``EventBus`` and delivered to everyone
/// subscribed to its type.
///
/// An event is a `Codable` value with a stable ``eventType`` name: the name, not the
/// Swift type, routes it, so services written separately (or in other languages) can
/// exchange events as long as they agree on the name and the JSON shape.
///
/// ```swift
/// struct OrderPlaced: Event {
///     static let eventType = "orders.placed"
///     var orderID: Int
///     var total: Decimal
/// }
/// ```
public protocol Event: Codable, Sendable {
    /// The name that routes events of this type, such as `orders.placed`. Keep it stable.
    static var eventType: String { get }
}

/// An event in its wire form: the type name and the JSON-encoded payload. Bus
/// implementations move envelopes; subscriptions decode them into events.
public struct EventEnvelope: Sendable, Hashable {
    /// The event's ``Event/eventType``.
    public var eventType: String
    /// The event encoded as JSON.
    public var payload: Data

    /// Creates an envelope from its parts.
    public init(eventType: String, payload: Data) {
        self.eventType = eventType
        self.payload = payload
    }

    /// Encodes `event` as JSON.
    ///
    /// - Throws: ``EventBusError/Reason/encodingFailed`` with the encoder's error.
    public init<E: Event>(_ event: E) throws {
        do {
            self.init(eventType: E.eventType, payload: try JSONEncoder().encode(event))
        } catch {
            throw EventBusError(eventType: E.eventType, reason: .encodingFailed, underlying: error)
        }
    }

    /// Decodes the payload as an `E`.
    ///
    /// - Throws: ``EventBusError/Reason/decodingFailed`` with the decoder's error when the
    ///   payload does not match `E` (or the envelope carries another type).
    public func decode<E: Event>(as type: E.Type) throws -> E {
        guard eventType == E.eventType else {
            throw EventBusError(eventType: eventType, reason: .decodingFailed)
        }
        do {
            return try JSONDecoder().decode(E.self, from: payload)
        } catch {
            throw EventBusError(eventType: eventType, reason: .decodingFailed, underlying: error)
        }
    }
}
