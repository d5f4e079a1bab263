import RoostCore

/// One connection served by a ``WebSocketHub``.
public struct WebSocketHubConnection: Sendable, Hashable {
    /// The connection's id, unique within its hub.
    public let id: Int
    let hub: WebSocketHub

    /// Adds this connection to `group`.
    public func join(_ group: String) { hub.join(self, group: group) }

    /// Removes this connection from `group`.
    public func leave(_ group: String) { hub.leave(self, group: group) }

    /// Sends `message` as JSON text to this connection.
    public func send(_ message: some Encodable) async throws { try await hub.send(message, to: self) }

    /// Connections are equal when they have the same id in the same hub.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id && lhs.hub === rhs.hub }

    /// Hashes the id.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// Errors of ``WebSocketHub``.
public enum WebSocketHubError: RoostError {
    /// The connection closed before the message could be sent.
    case connectionGone(Int)
    /// A binary message arrived where JSON text was expected.
    case binaryMessage

    /// `websocket.connection.gone` or `websocket.message.binary`.
    public var code: ErrorCode {
        switch self {
        case .connectionGone: "websocket.connection.gone"
        case .binaryMessage: "websocket.message.binary"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch self {
        case .connectionGone(let id):
            "WebSocket connection \(id) is closed; stop sending to it (the peer must reconnect)."
        case .binaryMessage:
            "A binary WebSocket message arrived; send JSON as a text message."
        }
    }
}
