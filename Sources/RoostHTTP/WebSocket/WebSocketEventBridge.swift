import RoostCoordination
import ServiceLifecycle

/// Feeds a ``WebSocketHub`` from an `EventBus`: every event of type `E` published on any
/// instance is broadcast to a group on this instance, so every browser sees it whichever
/// instance it is connected to.
///
/// Each event is sent as ``WebSocketEventMessage`` (`{"type": E.eventType, "data": event}`).
/// Run the bridge as a `Service`; it ends on graceful shutdown or when the bus shuts down.
///
/// ```swift
/// let bridge = WebSocketEventBridge(bus: bus, hub: hub, event: OrderPlaced.self, group: "orders")
/// let services = ServiceGroup(services: [app, bridge], logger: logger)
/// ```
public struct WebSocketEventBridge<E: Event>: Service {
    let bus: any EventBus
    let hub: WebSocketHub
    let group: String

    /// Creates a bridge from events of type `event` on `bus` to `group` on `hub`.
    public init(bus: any EventBus, hub: WebSocketHub, event: E.Type, group: String) {
        self.bus = bus
        self.hub = hub
        self.group = group
    }

    /// Subscribes and broadcasts until graceful shutdown, cancellation or bus shutdown.
    public func run() async throws {
        try await bus.subscribe(to: E.self, mode: .broadcast) { events in
            for try await event in events.cancelOnGracefulShutdown() {
                try await hub.broadcast(WebSocketEventMessage(event), toGroup: group)
            }
        }
    }
}

/// The JSON an event becomes on a WebSocket: `{"type": "orders.placed", "data": {...}}`.
public struct WebSocketEventMessage<E: Event>: Codable, Sendable {
    /// The event's type name.
    public var type: String
    /// The event.
    public var data: E

    /// Wraps an event.
    public init(_ event: E) {
        self.type = E.eventType
        self.data = event
    }
}
