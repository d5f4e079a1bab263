import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import RoostTestSupport
import Testing

@testable import RoostHTTP

/// Sends `chunks` over a plain TCP connection, `pause` apart, and returns everything the
/// server sent until it closed the connection, with how long that took.
private func exchange(
    port: Int, _ chunks: [String], pause: Duration = .zero
) async throws -> (reply: String, elapsed: Duration) {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    let start = ContinuousClock.now
    var outcome: (String, Duration)?
    do {
        try await channel.executeThenClose { inbound, outbound in
            outcome = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    var reply = ""
                    do {
                        for try await chunk in inbound { reply += String(buffer: chunk) }
                    } catch {
                        // A reset after the server closed: what arrived before counts.
                    }
                    return reply
                }
                for chunk in chunks {
                    do {
                        try await outbound.write(ByteBuffer(string: chunk))
                    } catch {
                        break  // the server closed the connection
                    }
                    if pause > .zero { try await Task.sleep(for: pause) }
                }
                return (try await group.next() ?? "", start.duration(to: .now))
            }
        }
    } catch ChannelError.ioOnClosedChannel {
        // Closing what the server already closed.
    }
    return try #require(outcome)
}

private func withLimitedServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    let router = Router(context: BasicRoostRequestContext.self)
    router.addRoostMiddleware(RoostMiddlewareOptions())
    router.get("/") { _, _ in "ok" }
    let app = Application(
        router: router,
        // Deadlines a loaded runner still meets for an honest client.
        server: .roostHTTP1(idleTimeout: .seconds(10), headTimeout: .seconds(5), maxHeaderBytes: 8 * 1024),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await withDeadline("a server limits test") {
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(port)
            // The server still serves everyone else. (The test client's own connection
            // has been closed by the head timeout meanwhile, as it should.)
            let (reply, _) = try await exchange(port: port, ["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
            #expect(reply.hasPrefix("HTTP/1.1 200"))
        }
    }
}

@Suite struct ServerLimitsTests {
    @Test func oversizedHeadersAreRefusedAndTheConnectionClosed() async throws {
        try await withLimitedServer { port in
            let big = String(repeating: "a", count: 20 * 1024)
            let (reply, _) = try await exchange(port: port, ["GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n"])
            #expect(reply.hasPrefix("HTTP/1.1 431") || reply.hasPrefix("HTTP/1.1 400"), "got \(reply.prefix(40))")
        }
    }

    @Test func aClientThatStopsMidHeadIsDisconnected() async throws {
        try await withLimitedServer { port in
            let (reply, elapsed) = try await exchange(port: port, ["GET / HTTP/1.1\r\nHost: x\r\n"])
            #expect(reply.isEmpty)
            #expect(elapsed < .seconds(30))
        }
    }

    @Test func aClientTricklingItsHeadIsDisconnected() async throws {
        try await withLimitedServer { port in
            // One header line every 200 ms for a minute: never idle, never done.
            let lines = ["GET / HTTP/1.1\r\n"] + (0..<300).map { "X-Drip-\($0): 1\r\n" }
            let (reply, elapsed) = try await exchange(port: port, lines, pause: .milliseconds(200))
            #expect(reply.isEmpty)
            #expect(elapsed < .seconds(45), "a trickling client was served for \(elapsed)")
        }
    }

    @Test func keepAliveRequestsWithinTheLimitsAreServed() async throws {
        try await withLimitedServer { port in
            let request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            let (reply, _) = try await exchange(port: port, [request, request], pause: .milliseconds(300))
            #expect(reply.components(separatedBy: "HTTP/1.1 200").count - 1 == 2)
        }
    }
}
