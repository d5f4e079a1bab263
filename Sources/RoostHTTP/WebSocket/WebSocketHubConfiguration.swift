import HummingbirdWebSocket

/// Settings of a ``WebSocketHub``.
public struct WebSocketHubConfiguration: Sendable {
    /// What the hub does with an incoming message that is not valid JSON for the
    /// expected type (or is binary).
    public enum MalformedMessagePolicy: Sendable, Hashable {
        /// Reply with a ``WebSocketErrorEnvelope`` (`{"error":{"code":…,"message":…}}`)
        /// and keep the connection open. The default: one bad message from a browser
        /// should not cost the user the session.
        case sendError
        /// Close the connection with status 1008 (policy violation).
        case close
    }

    /// The most connections open at once; further connections are closed at once with
    /// status 1013 (try again later).
    public var maxConnections: Int
    /// How often the server pings each peer; a peer that has not answered the previous
    /// ping when the next one is due is closed (status 1001), so a dead peer is gone
    /// within two intervals.
    public var heartbeatInterval: Duration
    /// The largest incoming message in bytes; larger ones close the connection (1009).
    public var maxMessageSize: Int
    /// What to do with malformed incoming JSON.
    public var malformedMessagePolicy: MalformedMessagePolicy

    /// Creates a configuration.
    public init(
        maxConnections: Int = 10_000, heartbeatInterval: Duration = .seconds(30), maxMessageSize: Int = 1 << 20,
        malformedMessagePolicy: MalformedMessagePolicy = .sendError
    ) {
        precondition(maxConnections >= 0, "maxConnections must not be negative")
        precondition(heartbeatInterval > .zero, "heartbeatInterval must be positive")
        self.maxConnections = maxConnections
        self.heartbeatInterval = heartbeatInterval
        self.maxMessageSize = maxMessageSize
        self.malformedMessagePolicy = malformedMessagePolicy
    }

    /// The WebSocket server settings that implement the heartbeat and the message limit;
    /// pass them as the `ws` part of the upgrade's configuration:
    /// `.http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: configuration.serverConfiguration))`.
    public var serverConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: maxMessageSize, autoPing: .enabled(timePeriod: heartbeatInterval))
    }
}

/// The JSON sent to a peer whose message could not be read, under the
/// ``WebSocketHubConfiguration/MalformedMessagePolicy/sendError`` policy:
///
/// ```json
/// {"error":{"code":"websocket.message.malformed","message":"…"}}
/// ```
public struct WebSocketErrorEnvelope: Codable, Sendable, Equatable {
    /// The error's details.
    public struct Detail: Codable, Sendable, Equatable {
        /// A stable code, such as `websocket.message.malformed`.
        public var code: String
        /// What was wrong and what to send instead.
        public var message: String
    }

    /// The error's details.
    public var error: Detail

    /// Creates an envelope.
    public init(code: String, message: String) { self.error = Detail(code: code, message: message) }
}
