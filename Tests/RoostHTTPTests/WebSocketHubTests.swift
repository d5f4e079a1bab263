import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import RoostCoordination
import RoostTestSupport
@testable import RoostHTTP
import Synchronization
import Testing

/// A command a test client sends: `{"op":"join","group":"red"}` or `{"op":"echo","text":"hi"}`.
private struct Command: Codable, Sendable {
    var op: String
    var group: String?
    var text: String?
}

private struct Ack: Codable, Sendable, Equatable {
    var ack: String
}

private struct Notice: Codable, Sendable, Equatable {
    var notice: String
}

private struct OrderPlaced: Event, Equatable {
    static let eventType = "orders.placed"
    var orderID: Int
}

/// Runs a live server whose `/ws` connections are served by `hub`; `closed` gets one
/// element each time a connection's `serve` returns.
private func withHubServer(
    _ hub: WebSocketHub, closed: AsyncStream<Void>.Continuation? = nil, _ body: @escaping @Sendable (String) async throws -> Void
) async throws {
    try await withDeadline("a WebSocket hub test with its live server") {
        let ws = Router(context: BasicWebSocketRequestContext.self)
        ws.ws("/ws") { inbound, outbound, _ in
            defer { closed?.yield() }
            try await hub.serve(inbound: inbound, outbound: outbound, receiving: Command.self, groups: ["all"]) {
                command, connection in
                switch command.op {
                case "join":
                    connection.join(command.group ?? "")
                    try await connection.send(Ack(ack: "join"))
                default:
                    try await connection.send(Ack(ack: command.text ?? ""))
                }
            }
        }
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(
                webSocketRouter: ws, configuration: .init(ws: hub.configuration.serverConfiguration)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("ws://127.0.0.1:\(try #require(client.port))/ws")
        }
    }
}

private let logger = Logger(label: "ws-test")

private func text(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}

/// Connects, sends `first` messages, and returns every text message received until
/// `stop` arrives (inclusive) or the server closes; `ready` is called after the first ack.
private func runClient(
    _ url: String, sending first: [Command], until stop: String? = nil, ready: @escaping @Sendable () -> Void = {}
) async throws -> (messages: [String], close: WebSocketCloseFrame?) {
    let received = Mutex<[String]>([])
    let close = try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
        for command in first { try await outbound.write(.text(try text(command))) }
        var signalled = false
        for try await message in inbound.messages(maxSize: 1 << 16) {
            guard case .text(let string) = message else { continue }
            received.withLock { $0.append(string) }
            if !signalled, string.contains("\"ack\"") {
                signalled = true
                ready()
            }
            if let stop, string.contains(stop) { return }
        }
    }
    return (received.withLock { $0 }, close)
}

@Suite struct WebSocketHubTests {
    @Test func broadcastReachesGroupMembersOnly() async throws {
        let hub = WebSocketHub()
        try await withHubServer(hub) { url in
            let (readyStream, ready) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: (String, [String]).self) { group in
                group.addTask {
                    (
                        "red",
                        try await runClient(url, sending: [Command(op: "join", group: "red")], until: "end") {
                            ready.yield()
                        }.messages
                    )
                }
                group.addTask {
                    (
                        "plain",
                        try await runClient(url, sending: [Command(op: "echo", text: "hello")], until: "end") {
                            ready.yield()
                        }.messages
                    )
                }
                var acks = readyStream.makeAsyncIterator()
                _ = await acks.next()
                _ = await acks.next()
                #expect(hub.connectionCount == 2)
                #expect(hub.members(of: "red").count == 1)
                #expect(try await hub.broadcast(Notice(notice: "red only"), toGroup: "red") == 1)
                #expect(try await hub.broadcast(Notice(notice: "end"), toGroup: "all") == 2)
                var results: [String: [String]] = [:]
                for try await (name, messages) in group { results[name] = messages }
                #expect(results["red"] == [#"{"ack":"join"}"#, #"{"notice":"red only"}"#, #"{"notice":"end"}"#])
                #expect(results["plain"] == [#"{"ack":"hello"}"#, #"{"notice":"end"}"#])
            }
        }
    }

    @Test func connectionsBeyondTheLimitAreClosedWithTryAgainLater() async throws {
        let hub = WebSocketHub(configuration: .init(maxConnections: 1))
        try await withHubServer(hub) { url in
            let (readyStream, ready) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await runClient(url, sending: [Command(op: "echo", text: "first")], until: "release") {
                        ready.yield()
                    }
                }
                var acks = readyStream.makeAsyncIterator()
                _ = await acks.next()
                let port = try #require(URL(string: url)?.port)
                let refused = try await RawWebSocketRefusal.read(port: port, path: "/ws")
                #expect(refused.statusLine.hasPrefix("HTTP/1.1 101"))
                #expect(refused.closeCode == 1013)
                #expect(refused.reason == "Too many connections; try again later")
                #expect(hub.connectionCount == 1)
                try await hub.broadcast(Notice(notice: "release"), toGroup: "all")
                try await group.waitForAll()
            }
        }
    }

    @Test func malformedJSONGetsAnErrorEnvelopeAndTheConnectionStaysOpen() async throws {
        let hub = WebSocketHub()
        try await withHubServer(hub) { url in
            let received = Mutex<[String]>([])
            try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text("{not json"))
                try await outbound.write(.binary(.init(string: "{}")))
                try await outbound.write(.text(try text(Command(op: "echo", text: "still here"))))
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let string) = message else { continue }
                    received.withLock { $0.append(string) }
                    if string.contains("still here") { return }
                }
            }
            let messages = received.withLock { $0 }
            try #require(messages.count == 3)
            for malformed in messages.prefix(2) {
                let envelope = try JSONDecoder().decode(WebSocketErrorEnvelope.self, from: Data(malformed.utf8))
                #expect(envelope.error.code == "websocket.message.malformed")
                #expect(envelope.error.message.contains("Command"))
            }
            #expect(messages[2] == #"{"ack":"still here"}"#)
        }
    }

    @Test func sendingToAClosedConnectionThrowsConnectionGone() async throws {
        let hub = WebSocketHub()
        let error = try await #require(throws: WebSocketHubError.self) {
            try await WebSocketHubConnection(id: 99, hub: hub).send(Notice(notice: "hi"))
        }
        #expect(error.code == "websocket.connection.gone")
        #expect(try await hub.broadcast(Notice(notice: "nobody"), toGroup: "empty") == 0)
    }

    @Test func malformedJSONClosesWithPolicyViolationWhenConfigured() async throws {
        let hub = WebSocketHub(configuration: .init(malformedMessagePolicy: .close))
        try await withHubServer(hub) { url in
            let close = try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text("[1,2"))
                for try await _ in inbound {}
            }
            #expect(close?.closeCode == .policyViolation)
        }
    }

    @Test(.timeLimit(.minutes(1))) func heartbeatClosesASilentPeer() async throws {
        let hub = WebSocketHub(configuration: .init(heartbeatInterval: .milliseconds(100)))
        let (closedStream, closed) = AsyncStream.makeStream(of: Void.self)
        try await withHubServer(hub, closed: closed) { url in
            try await WebSocketClient.connect(url: url, logger: logger) { inbound, _, _ in
                // Never reads, so pings go unanswered, until the server has dropped us.
                var iterator = closedStream.makeAsyncIterator()
                _ = await iterator.next()
                #expect(hub.connectionCount == 0)
                _ = inbound
            }
        }
    }

    @Test func eventBusBridgeBroadcastsEventsToTheGroup() async throws {
        let hub = WebSocketHub()
        let bus = InMemoryEventBus()
        try await withHubServer(hub) { url in
            let (readyStream, ready) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    try await WebSocketEventBridge(bus: bus, hub: hub, event: OrderPlaced.self, group: "orders").run()
                    return []
                }
                group.addTask {
                    try await runClient(url, sending: [Command(op: "join", group: "orders")], until: "orders.placed") {
                        ready.yield()
                    }.messages
                }
                var acks = readyStream.makeAsyncIterator()
                _ = await acks.next()
                while bus.subscriberCount < 1 { await Task.yield() }
                try bus.publish(OrderPlaced(orderID: 7))
                let messages = try #require(try await group.next())
                #expect(messages.last == #"{"data":{"orderID":7},"type":"orders.placed"}"#)
                group.cancelAll()
                while (try? await group.next()) != nil {}
            }
        }
        await bus.shutdown()
    }
}
