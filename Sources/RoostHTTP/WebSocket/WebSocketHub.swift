import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

/// Tracks open WebSocket connections and their groups, and sends typed JSON messages to
/// one connection or to every member of a group.
///
/// Serve each upgraded connection with ``serve(inbound:outbound:receiving:groups:onMessage:)``;
/// it registers the connection (or refuses it beyond
/// ``WebSocketHubConfiguration/maxConnections``), decodes each text message as JSON of
/// the given type, and unregisters the connection when it ends. The heartbeat runs in the
/// WebSocket server: use ``WebSocketHubConfiguration/serverConfiguration``.
///
/// ```swift
/// let hub = WebSocketHub(configuration: .init(maxConnections: 5_000))
/// let ws = Router(context: BasicWebSocketRequestContext.self)
/// ws.ws("/live") { inbound, outbound, _ in
///     try await hub.serve(inbound: inbound, outbound: outbound, receiving: ChatCommand.self, groups: ["lobby"]) {
///         command, connection in
///         if case .join(let room) = command { connection.join(room) }
///     }
/// }
/// let app = Application(
///     router: router,
///     server: .http1WebSocketUpgrade(webSocketRouter: ws, configuration: .init(ws: hub.configuration.serverConfiguration)))
/// // anywhere:
/// await hub.broadcast(Notice(text: "deploy in 5 min"), toGroup: "lobby")
/// ```
public final class WebSocketHub: Sendable {
    /// The hub's settings.
    public let configuration: WebSocketHubConfiguration
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var nextID = 1
        var connections: [Int: WebSocketOutboundWriter] = [:]
        var groups: [String: Set<Int>] = [:]
    }

    /// Creates a hub.
    public init(
        configuration: WebSocketHubConfiguration = WebSocketHubConfiguration(),
        logger: Logger = Logger(label: "roost.websocket")
    ) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The number of open connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// The connections in `group`.
    public func members(of group: String) -> [WebSocketHubConnection] {
        state.withLock { $0.groups[group, default: []].sorted().map { WebSocketHubConnection(id: $0, hub: self) } }
    }

    /// Serves one upgraded connection until the peer leaves, then forgets it.
    ///
    /// - Parameters:
    ///   - inbound: The connection's inbound stream.
    ///   - outbound: The connection's writer.
    ///   - receiving: The type incoming text messages are decoded into (JSON).
    ///   - groups: Groups the connection joins at once.
    ///   - onMessage: Called with each decoded message, in order. Its error closes the
    ///     connection and is rethrown.
    public func serve<Incoming: Decodable & Sendable>(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, receiving: Incoming.Type,
        groups: [String] = [], onMessage: (Incoming, WebSocketHubConnection) async throws -> Void
    ) async throws {
        guard let connection = register(outbound) else {
            logger.warning(
                "refused a WebSocket connection: limit reached", metadata: ["limit": "\(configuration.maxConnections)"])
            try await outbound.close(.unknown(1013), reason: "Too many connections; try again later")
            return
        }
        defer { unregister(connection.id) }
        for group in groups { connection.join(group) }
        let decoder = JSONDecoder()
        for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
            let decoded: Incoming
            do {
                guard case .text(let text) = message else {
                    throw WebSocketHubError.binaryMessage
                }
                decoded = try decoder.decode(Incoming.self, from: Data(text.utf8))
            } catch {
                let reason = "Messages must be JSON text for \(Incoming.self): \(error)"
                logger.debug(
                    "malformed WebSocket message", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
                switch configuration.malformedMessagePolicy {
                case .sendError:
                    try await send(
                        WebSocketErrorEnvelope(code: "websocket.message.malformed", message: reason), on: outbound)
                    continue
                case .close:
                    try await outbound.close(.policyViolation, reason: "Malformed JSON message")
                    return
                }
            }
            try await onMessage(decoded, connection)
        }
    }

    /// Adds a connection to a group (no effect when it is gone).
    public func join(_ connection: WebSocketHubConnection, group: String) {
        state.withLock { state in
            guard state.connections[connection.id] != nil else { return }
            state.groups[group, default: []].insert(connection.id)
        }
    }

    /// Removes a connection from a group.
    public func leave(_ connection: WebSocketHubConnection, group: String) {
        state.withLock { state in
            state.groups[group]?.remove(connection.id)
            if state.groups[group]?.isEmpty == true { state.groups[group] = nil }
        }
    }

    /// Sends `message` as JSON text to one connection.
    ///
    /// - Throws: ``WebSocketHubError/connectionGone(_:)`` when the connection is closed,
    ///   or the write error.
    public func send(_ message: some Encodable, to connection: WebSocketHubConnection) async throws {
        guard let writer = state.withLock({ $0.connections[connection.id] }) else {
            throw WebSocketHubError.connectionGone(connection.id)
        }
        try await send(message, on: writer)
    }

    /// Sends `message` as JSON text to every member of `group`, concurrently, and returns
    /// how many writes succeeded. A failed write (a peer going away) is logged and does
    /// not affect the others.
    @discardableResult
    public func broadcast(_ message: some Encodable, toGroup group: String) async throws -> Int {
        let text = try Self.encode(message)
        let writers = state.withLock { state in
            state.groups[group, default: []].compactMap { id in state.connections[id].map { (id, $0) } }
        }
        return await withTaskGroup(of: Bool.self) { tasks in
            for (id, writer) in writers {
                tasks.addTask {
                    do {
                        try await writer.write(.text(text))
                        return true
                    } catch {
                        self.logger.debug(
                            "broadcast write failed", metadata: ["connection": "\(id)", "error": "\(error)"])
                        return false
                    }
                }
            }
            return await tasks.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private func send(_ message: some Encodable, on writer: WebSocketOutboundWriter) async throws {
        try await writer.write(.text(try Self.encode(message)))
    }

    static func encode(_ message: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(message), as: UTF8.self)
    }

    private func register(_ writer: WebSocketOutboundWriter) -> WebSocketHubConnection? {
        let id: Int? = state.withLock { state in
            guard state.connections.count < configuration.maxConnections else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.connections[id] = writer
            return id
        }
        return id.map { WebSocketHubConnection(id: $0, hub: self) }
    }

    private func unregister(_ id: Int) {
        state.withLock { state in
            state.connections[id] = nil
            for group in Array(state.groups.keys) {
                state.groups[group]?.remove(id)
                if state.groups[group]?.isEmpty == true { state.groups[group] = nil }
            }
        }
    }
}
