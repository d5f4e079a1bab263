import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Connects to the real server `scripts/test` started.
func connectToTestServer(
    _ adjust: (inout RedisConnectionConfiguration) -> Void = { _ in }
) async throws -> RedisConnection {
    var configuration = try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString)
    adjust(&configuration)
    return try await RedisConnection.connect(configuration: configuration)
}

/// A key no other test uses.
func uniqueKey(_ name: String = #function) -> String { "roost-test:\(name):\(UUID().uuidString)" }

@Suite("Connection against redis-server", .requires(.redis))
struct RedisServerTests {
    @Test("HELLO 3 negotiates RESP3; forcing RESP2 works too")
    func protocols() async throws {
        let resp3 = try await connectToTestServer()
        #expect(resp3.protocolVersion == .resp3)
        #expect(try await resp3.ping() == "PONG")
        #expect(try await resp3.ping("hi") == "hi")
        let key = uniqueKey()
        try await resp3.send("HSET", .string(key), "f", "v")
        guard case .map(let pairs) = try await resp3.send("HGETALL", .string(key)) else {
            Issue.record("HGETALL is not a map in RESP3")
            return
        }
        #expect(pairs.map(\.key.string) == ["f"])
        try await resp3.close()

        let resp2 = try await connectToTestServer { $0.protocolVersion = .resp2 }
        #expect(resp2.protocolVersion == .resp2)
        #expect(try await resp2.send("HGETALL", .string(key)).array?.compactMap(\.string) == ["f", "v"])
        try await resp2.delete(key)
        try await resp2.close()
    }

    @Test("GET, SET with EX/PX/NX/XX/KEEPTTL/GET, DEL, INCR")
    func strings() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        #expect(try await connection.get(key) == nil)
        #expect(try await connection.set(key, to: "one"))
        #expect(try await connection.getString(key) == "one")
        #expect(try await connection.set(key, to: "two", condition: .ifNotExists) == false)
        #expect(try await connection.set(key, to: "two", expiration: .seconds(100), condition: .ifExists))
        let ttl = try await connection.send("TTL", .string(key)).integer ?? 0
        #expect((1...100).contains(ttl))
        #expect(try await connection.set(key, to: "three", expiration: .keepTTL))
        #expect(try await connection.send("TTL", .string(key)).integer ?? 0 > 0)
        #expect(try await connection.set(key, to: "four", expiration: .after(.milliseconds(50_000))))
        let pttl = try await connection.send("PTTL", .string(key)).integer ?? 0
        #expect((1...50_000).contains(pttl))
        #expect(try await connection.setAndGet(key, to: "five").map { String(buffer: $0) } == "four")
        #expect(try await connection.setAndGet(uniqueKey("absent"), to: "x", condition: .ifExists) == nil)
        #expect(try await connection.set(key, to: .bytes(ByteBuffer(bytes: [0, 255, 13, 10]))))
        #expect(try await connection.get(key) == ByteBuffer(bytes: [0, 255, 13, 10]))

        let counter = uniqueKey("counter")
        #expect(try await connection.increment(counter) == 1)
        #expect(try await connection.increment(counter) == 2)
        #expect(try await connection.delete(key, counter, uniqueKey("missing")) == 2)
        try await connection.close()
    }

    @Test("server errors are typed by prefix and leave the connection usable")
    func wrongType() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        try await connection.send("LPUSH", .string(key), "x")
        let error = await #expect(throws: RedisServerError.self) { try await connection.increment(key) }
        #expect(error?.kind == .wrongType)
        #expect(error?.code.rawValue == "redis.server.wrongtype")
        #expect(error?.serverMessage.hasPrefix("WRONGTYPE") == true)
        let unknown = await #expect(throws: RedisServerError.self) { try await connection.send("NOSUCHCOMMAND") }
        #expect(unknown?.kind == .generic)
        #expect(try await connection.ping() == "PONG")
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("10,000 commands in flight at once, from concurrent tasks and from one pipeline")
    func pipelining() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        let values = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<10_000 { group.addTask { try await connection.increment(key) } }
            var seen: [Int64] = []
            for try await value in group { seen.append(value) }
            return seen
        }
        #expect(Set(values) == Set(1...10_000))
        let results = try await connection.pipeline((0..<10_000).map { _ in RedisCommand("INCR", .string(key)) })
        #expect(try results.map { try $0.get().integer } == (10_001...20_000).map { Int64($0) })
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("an ACL user authenticates with HELLO (RESP3) and AUTH (RESP2); a wrong password is typed")
    func aclUser() async throws {
        let admin = try await connectToTestServer()
        let user = "roost-\(UUID().uuidString.prefix(8))"
        try await admin.send("ACL", "SETUSER", .string(user), "on", ">pa:ss", "~*", "+@all")
        let base = try TestServer.redis.url()
        let url = "redis://\(user):pa%3Ass@\(base.host!):\(base.port ?? 6379)"
        for version in ["3", "2"] {
            let connection = try await RedisConnection.connect(
                configuration: try RedisConnectionConfiguration(url: url + "?protocol=\(version)&name=acl-test"))
            #expect(try await connection.send("ACL", "WHOAMI").string == user)
            #expect(try await connection.send("CLIENT", "GETNAME").string == "acl-test")
            #expect(connection.protocolVersion.rawValue == Int(version))
            try await connection.close()
        }
        for version in ["3", "2"] {
            let error = await #expect(throws: RedisServerError.self) {
                try await RedisConnection.connect(
                    configuration: try RedisConnectionConfiguration(
                        url: "redis://\(user):bad-secret-42@\(base.host!):\(base.port ?? 6379)?protocol=\(version)"))
            }
            #expect(error?.kind == .wrongPass)
            #expect(error?.description.contains("bad-secret-42") == false)
        }
        try await admin.send("ACL", "DELUSER", .string(user))
        try await admin.close()
    }

    @Test("SELECT picks the database from the URL")
    func selectDatabase() async throws {
        let db3 = try await connectToTestServer { $0.database = 3 }
        let db0 = try await connectToTestServer()
        let key = uniqueKey()
        try await db3.set(key, to: "in three")
        #expect(try await db0.get(key) == nil)
        #expect(try await db3.send("CLIENT", "INFO").string?.contains(" db=3 ") == true)
        let outOfRange = await #expect(throws: RedisServerError.self) { try await connectToTestServer { $0.database = 100_000 } }
        #expect(outOfRange?.kind == .generic)
        try await db3.delete(key)
        try await db3.close()
        try await db0.close()
    }

    @Test("RESP3 push frames (client tracking invalidations) arrive on pushes")
    func pushes() async throws {
        let tracked = try await connectToTestServer()
        let writer = try await connectToTestServer()
        let key = uniqueKey()
        try await tracked.send("CLIENT", "TRACKING", "ON")
        _ = try await tracked.get(key)
        try await writer.set(key, to: "changed")
        var iterator = tracked.pushes.makeAsyncIterator()
        let push = try #require(await iterator.next())
        #expect(push.array?.first?.string == "invalidate")
        #expect(push.array?.last?.array?.first?.string == key)
        try await writer.delete(key)
        try await tracked.close()
        try await writer.close()
    }

    @Test("a timed-out command fails alone; its late reply is discarded")
    func deadline() async throws {
        let connection = try await connectToTestServer()
        let error = await #expect(throws: RedisTimeoutError.self) {
            try await connection.send(RedisCommand("BLPOP", arguments: [.string(uniqueKey()), 0.3], isBlocking: true), timeout: .milliseconds(50))
        }
        #expect(error?.code.rawValue == "redis.command.timeout")
        #expect(try await connection.ping() == "PONG")
        try await connection.close()
    }

    @Test("the server killing the connection mid-pipeline fails every command in flight")
    func killedMidPipeline() async throws {
        let victim = try await connectToTestServer()
        let killer = try await connectToTestServer()
        let id = try #require(try await victim.send("CLIENT", "ID").integer)
        let queue = uniqueKey()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let commands = [RedisCommand("BLPOP", arguments: [.string(queue), 0], isBlocking: true)]
                    + (0..<500).map { _ in RedisCommand("PING") }
                let results = try await victim.pipeline(commands)
                for result in results {
                    guard case .failure(let error as RedisConnectionError) = result else {
                        Issue.record("in-flight command did not fail with a connection error: \(result)")
                        return
                    }
                    #expect(error.kind == .closed)
                }
            }
            // Wait until the victim is blocked, then kill it.
            while try await killer.send("CLIENT", "LIST", "ID", .integer(id)).string?.contains("cmd=blpop") != true {}
            try await killer.send("CLIENT", "KILL", "ID", .integer(id))
            try await group.waitForAll()
        }
        #expect(!victim.isOpen)
        try await killer.close()
    }

    @Test("close fails later commands with closed_by_client")
    func closeThenSend() async throws {
        let connection = try await connectToTestServer()
        try await connection.close()
        try await connection.close()
        let error = await #expect(throws: RedisConnectionError.self) { try await connection.ping() }
        #expect(error?.kind == .closedByClient)
    }
}
