import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("List commands against redis-server", .requires(.redis))
struct ListCommandTests {
    private func strings(_ buffers: [ByteBuffer]) -> [String] { buffers.map { String(buffer: $0) } }

    @Test("LPUSH, RPUSH, LPOP, RPOP with and without count, LRANGE, LLEN, LMOVE")
    func nonBlocking() async throws {
        let connection = try await connectToTestServer()
        let (key, other, missing) = (uniqueKey("list"), uniqueKey("other"), uniqueKey("missing"))
        #expect(try await connection.push(["b", "c"], to: key, at: .right) == 2)
        #expect(try await connection.push(["a", "z"], to: key, at: .left) == 4)
        #expect(try await connection.push([], to: key, at: .left) == 4)
        #expect(strings(try await connection.listRange(key, from: 0, to: -1)) == ["z", "a", "b", "c"])
        #expect(strings(try await connection.listRange(key, from: 1, to: 2)) == ["a", "b"])
        #expect(try await connection.listRange(missing, from: 0, to: -1).isEmpty)
        #expect(try await connection.pop(from: key, at: .left).map { String(buffer: $0) } == "z")
        #expect(try await connection.pop(from: key, at: .right).map { String(buffer: $0) } == "c")
        let moved = try await connection.move(from: key, at: .left, to: other, at: .right)
        #expect(moved.map { String(buffer: $0) } == "a")
        #expect(try await connection.move(from: missing, at: .left, to: other, at: .right) == nil)
        #expect(try await connection.listLength(key) == 1)
        #expect(try await connection.listLength(other) == 1)
        #expect(try await connection.listLength(missing) == 0)
        try await connection.push(["1", "2", "3"], to: key, at: .right)
        #expect(strings(try await connection.pop(2, from: key, at: .right)) == ["3", "2"])
        #expect(strings(try await connection.pop(10, from: key, at: .left)) == ["b", "1"])
        #expect(try await connection.pop(3, from: key, at: .left).isEmpty)
        #expect(try await connection.pop(from: key, at: .left) == nil)
        try await connection.delete(key, other)
        try await connection.close()
    }

    @Test("BLPOP and BRPOP time out with nil and reject a negative timeout")
    func blockingTimeout() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        #expect(try await connection.blockingPop(from: [key], at: .left, timeout: .milliseconds(50)) == nil)
        #expect(try await connection.blockingPop(from: [key], at: .right, timeout: .milliseconds(50)) == nil)
        let moved = try await connection.blockingMove(
            from: key, at: .left, to: uniqueKey("to"), at: .left, timeout: .milliseconds(50))
        #expect(moved == nil)
        let error = await #expect(throws: RedisServerError.self) {
            try await connection.blockingPop(from: [key], at: .left, timeout: .seconds(-1))
        }
        #expect(error?.kind == .generic)
        try await connection.close()
    }

    @Test("BLPOP returns the first non-empty list at once, and wakes up when another client pushes")
    func blockingWakeUp() async throws {
        let waiter = try await connectToTestServer()
        let pusher = try await connectToTestServer()
        let (empty, full, target) = (uniqueKey("empty"), uniqueKey("full"), uniqueKey("target"))
        try await pusher.push(["x", "y"], to: full, at: .right)
        let immediate = try await waiter.blockingPop(from: [empty, full], at: .right, timeout: .seconds(5))
        #expect(immediate?.key == full)
        #expect(immediate.map { String(buffer: $0.value) } == "y")

        let clientID = try #require(try await waiter.send("CLIENT", "ID").integer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let popped = try await waiter.blockingPop(from: [empty], at: .left, timeout: .seconds(30))
                #expect(popped?.key == empty)
                #expect(popped.map { String(buffer: $0.value) } == "woken")
                let moved = try await waiter.blockingMove(
                    from: full, at: .left, to: target, at: .right, timeout: .seconds(30))
                #expect(moved.map { String(buffer: $0) } == "x")
            }
            // Push only once the server reports the waiter blocked in BLPOP.
            while try await pusher.send("CLIENT", "LIST", "ID", .integer(clientID)).string?.contains("cmd=blpop")
                != true
            {
                await Task.yield()
            }
            try await pusher.push(["woken"], to: empty, at: .right)
            try await group.waitForAll()
        }
        #expect(strings(try await pusher.listRange(target, from: 0, to: -1)) == ["x"])
        try await pusher.delete(empty, full, target)
        try await waiter.close()
        try await pusher.close()
    }

    @Test("a blocking pop runs under the connection's blocking-command deadline")
    func blockingDeadline() async throws {
        let connection = try await connectToTestServer { $0.blockingCommandTimeout = .milliseconds(200) }
        let key = uniqueKey()
        let error = await #expect(throws: RedisTimeoutError.self) {
            try await connection.blockingPop(from: [key], at: .left, timeout: .zero)
        }
        #expect(error?.code.rawValue == "redis.command.timeout")
        try await connection.close()
    }

    @Test("list commands on a key of another type fail with WRONGTYPE")
    func wrongType() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        try await connection.set(key, to: "string")
        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await connection.push(["v"], to: key, at: .left) },
            { _ = try await connection.pop(from: key, at: .right) },
            { _ = try await connection.pop(2, from: key, at: .left) },
            { _ = try await connection.listRange(key, from: 0, to: -1) },
            { _ = try await connection.listLength(key) },
            { _ = try await connection.move(from: key, at: .left, to: uniqueKey("to"), at: .left) },
            { _ = try await connection.blockingPop(from: [key], at: .left, timeout: .milliseconds(10)) },
        ]
        for call in calls {
            let error = await #expect(throws: RedisServerError.self) { try await call() }
            #expect(error?.kind == .wrongType)
        }
        try await connection.delete(key)
        try await connection.close()
    }
}
