import NIOCore
import Testing

@testable import RoostRedis

/// Faults no real server produces on demand: broken bytes, hostile lengths, a close in the
/// middle of a pipeline, a server without `HELLO`.
@Suite("Connection against a scripted server")
struct FakeServerTests {
    @Test("malformed bytes fail the command with a protocol error, without a crash")
    func malformedBytes() async throws {
        let server = try await FakeRedisServer.start { _, _ in .bytes("+OK\r\n:12x\r\n") }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        #expect(try await connection.send("PING").string == "OK")
        let error = await #expect(throws: RedisProtocolError.self) { try await connection.send("PING") }
        #expect(error?.code.rawValue == "redis.protocol.malformed")
        let after = await #expect(throws: RedisProtocolError.self) { try await connection.send("PING") }
        #expect(after?.kind == .malformed)
        try await connection.close()
        try await server.stop()
    }

    @Test("a hostile bulk length fails with too_large before memory is spent")
    func hostileLength() async throws {
        let server = try await FakeRedisServer.start { _, _ in .bytes("$9223372036854775807\r\n") }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        let error = await #expect(throws: RedisProtocolError.self) { try await connection.get("k") }
        #expect(error?.code.rawValue == "redis.protocol.too_large")
        try await server.stop()
    }

    @Test("the server closing mid-pipeline fails every command in flight with a connection error")
    func closeMidPipeline() async throws {
        let server = try await FakeRedisServer.start { _, index in index < 3 ? .bytes(":\(index)\r\n") : .close }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        let results = try await connection.pipeline((0..<100).map { RedisCommand("INCR", .integer($0)) })
        #expect(try results[0..<3].map { try $0.get().integer } == [0, 1, 2])
        for result in results[3...] {
            guard case .failure(let error as RedisConnectionError) = result else {
                Issue.record("in-flight command did not fail with a connection error: \(result)")
                return
            }
            #expect(error.code.rawValue == "redis.connection.closed")
        }
        let later = await #expect(throws: RedisConnectionError.self) { try await connection.send("PING") }
        #expect(later?.kind == .closed)
        try await server.stop()
    }

    @Test("a server refusing HELLO gets AUTH and CLIENT SETNAME over RESP2")
    func helloFallback() async throws {
        let server = try await FakeRedisServer.start { command, _ in
            switch command.first?.uppercased() {
            case "HELLO": .bytes("-ERR unknown command 'HELLO'\r\n")
            case "AUTH": command == ["AUTH", "app", "pw"] ? .bytes("+OK\r\n") : .bytes("-WRONGPASS invalid\r\n")
            case "CLIENT": command == ["CLIENT", "SETNAME", "svc"] ? .bytes("+OK\r\n") : .bytes("-ERR\r\n")
            case "SELECT": command == ["SELECT", "4"] ? .bytes("+OK\r\n") : .bytes("-ERR DB index is out of range\r\n")
            default: .bytes("+PONG\r\n")
            }
        }
        let url = "redis://app:pw@127.0.0.1:\(server.port)/4?name=svc"
        let connection = try await RedisConnection.connect(configuration: try RedisConnectionConfiguration(url: url))
        #expect(connection.protocolVersion == .resp2)
        #expect(try await connection.ping() == "PONG")
        try await connection.close()

        let wrong = await #expect(throws: RedisServerError.self) {
            try await RedisConnection.connect(
                configuration: try RedisConnectionConfiguration(url: "redis://app:bad@127.0.0.1:\(server.port)"))
        }
        #expect(wrong?.kind == .wrongPass)
        #expect(wrong?.command == "AUTH")
        try await server.stop()
    }

    @Test("a server that never answers: the deadline fires and nothing hangs")
    func silentServer() async throws {
        let server = try await FakeRedisServer.start { _, _ in .silence }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        let error = await #expect(throws: RedisTimeoutError.self) {
            try await connection.send(RedisCommand("GET", "k"), timeout: .milliseconds(50))
        }
        #expect(error?.code.rawValue == "redis.command.timeout")
        #expect(connection.isOpen)
        try await connection.close()
        try await server.stop()
    }

    @Test("cancelling the task cancels its command")
    func cancellation() async throws {
        let (received, receivedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await FakeRedisServer.start { _, _ in
            receivedContinuation.yield()
            return .silence
        }
        let connection = try await RedisConnection.connect(configuration: server.configuration())
        let task = Task { try await connection.send("BLPOP", "q", 0) }
        for await _ in received { break }  // the command is in flight on the server
        task.cancel()
        let result = await task.result
        guard case .failure(is CancellationError) = result else {
            Issue.record("expected CancellationError, got \(result)")
            return
        }
        #expect(connection.isOpen)
        try await connection.close()
        try await server.stop()
    }

    @Test("no server listening: connect fails with connect_failed")
    func refused() async throws {
        let server = try await FakeRedisServer.start { _, _ in .silence }
        let configuration = server.configuration()
        try await server.stop()
        let error = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(configuration: configuration)
        }
        #expect(error?.code.rawValue == "redis.connection.connect_failed")
    }
}
