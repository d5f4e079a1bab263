import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Key commands against redis-server", .requires(.redis))
struct KeyCommandTests {
    @Test("UNLINK and EXISTS count keys; empty lists send nothing")
    func unlinkAndExists() async throws {
        let connection = try await connectToTestServer()
        let (a, b, missing) = (uniqueKey("a"), uniqueKey("b"), uniqueKey("missing"))
        try await connection.set(a, to: "1")
        try await connection.set(b, to: "2")
        #expect(try await connection.exists(a))
        #expect(try await connection.exists(missing) == false)
        #expect(try await connection.countExisting([a, b, missing, a]) == 3)
        #expect(try await connection.countExisting([]) == 0)
        #expect(try await connection.unlink(a, missing) == 1)
        #expect(try await connection.unlink([]) == 0)
        #expect(try await connection.exists(a) == false)
        #expect(try await connection.unlink([b]) == 1)
        try await connection.close()
    }

    @Test("EXPIRE and PEXPIRE with NX/XX/GT/LT; PTTL tells a missing key from one without expiry")
    func expiry() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        #expect(try await connection.timeToLive(key) == .noKey)
        #expect(try await connection.expire(key, after: .seconds(10)) == false)
        try await connection.set(key, to: "v")
        #expect(try await connection.timeToLive(key) == .noExpiry)
        #expect(try await connection.expire(key, after: .seconds(100), condition: .ifHasExpiry) == false)
        #expect(try await connection.expire(key, after: .seconds(100), condition: .ifNoExpiry))
        #expect(try await connection.expire(key, after: .seconds(200), condition: .ifNoExpiry) == false)
        #expect(try await connection.expire(key, after: .seconds(50), condition: .ifLater) == false)
        #expect(try await connection.expire(key, after: .seconds(200), condition: .ifLater))
        #expect(try await connection.expire(key, after: .seconds(300), condition: .ifEarlier) == false)
        #expect(try await connection.expire(key, after: .milliseconds(150_500), condition: .ifEarlier))
        guard case .expires(let remaining) = try await connection.timeToLive(key) else {
            Issue.record("the key has no expiry after PEXPIRE")
            return
        }
        #expect(remaining > .seconds(100) && remaining <= .milliseconds(150_500))
        #expect(try await connection.expire(key, after: .seconds(60), condition: .ifHasExpiry))
        guard case .expires(let later) = try await connection.timeToLive(key) else {
            Issue.record("the key has no expiry after EXPIRE XX")
            return
        }
        #expect(later > .seconds(30) && later <= .seconds(60))
        #expect(try await connection.persist(key))
        #expect(try await connection.persist(key) == false)
        #expect(try await connection.timeToLive(key) == .noExpiry)
        #expect(try await connection.expire(key, after: .zero))
        #expect(try await connection.exists(key) == false)
        try await connection.close()
    }

    @Test("TYPE names each type and is nil for a missing key")
    func types() async throws {
        let connection = try await connectToTestServer()
        let prefix = uniqueKey()
        try await connection.set("\(prefix):s", to: "v")
        try await connection.send("RPUSH", .string("\(prefix):l"), "v")
        try await connection.send("SADD", .string("\(prefix):set"), "v")
        try await connection.send("ZADD", .string("\(prefix):z"), 1, "v")
        try await connection.send("HSET", .string("\(prefix):h"), "f", "v")
        try await connection.send("XADD", .string("\(prefix):x"), "*", "f", "v")
        #expect(try await connection.keyType("\(prefix):s") == .string)
        #expect(try await connection.keyType("\(prefix):l") == .list)
        #expect(try await connection.keyType("\(prefix):set") == .set)
        #expect(try await connection.keyType("\(prefix):z") == .sortedSet)
        #expect(try await connection.keyType("\(prefix):h") == .hash)
        #expect(try await connection.keyType("\(prefix):x") == .stream)
        #expect(try await connection.keyType("\(prefix):missing") == nil)
        try await connection.delete(["s", "l", "set", "z", "h", "x"].map { "\(prefix):\($0)" })
        try await connection.close()
    }

    @Test("RENAME and RENAMENX; renaming a missing key is a typed server error")
    func rename() async throws {
        let connection = try await connectToTestServer()
        let (a, b, c) = (uniqueKey("a"), uniqueKey("b"), uniqueKey("c"))
        try await connection.set(a, to: "1")
        try await connection.set(c, to: "3")
        #expect(try await connection.rename(a, to: b))
        #expect(try await connection.getString(b) == "1")
        #expect(try await connection.exists(a) == false)
        #expect(try await connection.rename(b, to: c, onlyIfAbsent: true) == false)
        #expect(try await connection.getString(c) == "3")
        #expect(try await connection.rename(b, to: a, onlyIfAbsent: true))
        let error = await #expect(throws: RedisServerError.self) {
            try await connection.rename(uniqueKey("missing"), to: b)
        }
        #expect(error?.kind == .generic)
        #expect(error?.serverMessage.contains("no such key") == true)
        #expect(try await connection.ping() == "PONG")
        try await connection.delete(a, c)
        try await connection.close()
    }

    @Test("SCAN pages through every matching key, filters by type, and finds nothing when nothing matches")
    func scan() async throws {
        let connection = try await connectToTestServer()
        let prefix = uniqueKey()
        let keys = (0..<40).map { "\(prefix):\($0)" }
        for key in keys { try await connection.set(key, to: "v") }
        try await connection.send("RPUSH", .string("\(prefix):list"), "v")

        var found: Set<String> = []
        for try await key in connection.scan(matching: "\(prefix):*", count: 7) {
            found.insert(key)
        }
        #expect(found == Set(keys + ["\(prefix):list"]))

        var lists: [String] = []
        for try await key in connection.scan(matching: "\(prefix):*", type: .list) { lists.append(key) }
        #expect(lists == ["\(prefix):list"])

        var none: [String] = []
        for try await key in connection.scan(matching: "\(prefix)-absent:*", count: 1000) { none.append(key) }
        #expect(none.isEmpty)

        try await connection.delete(keys + ["\(prefix):list"])
        try await connection.close()
    }
}
