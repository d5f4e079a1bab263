import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Hash commands against redis-server", .requires(.redis))
struct HashCommandTests {
    @Test(
        "HSET, HGET, HMGET, HGETALL, HDEL, HEXISTS, HLEN over RESP3 and RESP2",
        arguments: [RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2])
    func roundTrip(version: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = version }
        #expect(connection.protocolVersion == version)
        let key = uniqueKey()
        let binary = ByteBuffer(bytes: [0, 255, 13, 10])
        #expect(try await connection.hashSet(key, fields: ["name": "Ada", "visits": 1, "blob": .bytes(binary)]) == 3)
        #expect(try await connection.hashSet(key, fields: ["name": "Grace", "city": "Arlington"]) == 1)
        #expect(try await connection.hashSet(key, fields: [:]) == 0)
        #expect(try await connection.hashGetString(key, field: "name") == "Grace")
        #expect(try await connection.hashGet(key, field: "blob") == binary)
        #expect(try await connection.hashGet(key, field: "missing") == nil)
        #expect(try await connection.hashGetString(uniqueKey("missing"), field: "name") == nil)
        let values = try await connection.hashGet(key, fields: ["visits", "missing", "name"])
        #expect(values.map { $0.map { String(buffer: $0) } } == ["1", nil, "Grace"])
        #expect(try await connection.hashGet(key, fields: []) == [])
        #expect(try await connection.hashGetAll(key)["blob"] == binary)
        var all = try await connection.hashGetAllStrings(key)
        all["blob"] = nil
        #expect(all == ["name": "Grace", "visits": "1", "city": "Arlington"])
        #expect(try await connection.hashGetAllStrings(uniqueKey("missing")) == [:])
        #expect(try await connection.hashFieldExists(key, field: "city"))
        #expect(try await connection.hashFieldExists(key, field: "missing") == false)
        #expect(try await connection.hashLength(key) == 4)
        #expect(try await connection.hashDelete(key, fields: ["city", "missing"]) == 1)
        #expect(try await connection.hashDelete(key, fields: []) == 0)
        #expect(try await connection.hashLength(key) == 3)
        #expect(try await connection.hashLength(uniqueKey("missing")) == 0)
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("HINCRBY adds, starts from zero, and rejects a non-integer field")
    func increment() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        #expect(try await connection.hashIncrement(key, field: "n") == 1)
        #expect(try await connection.hashIncrement(key, field: "n", by: 41) == 42)
        #expect(try await connection.hashIncrement(key, field: "n", by: -50) == -8)
        try await connection.hashSet(key, fields: ["text": "abc"])
        let error = await #expect(throws: RedisServerError.self) {
            try await connection.hashIncrement(key, field: "text")
        }
        #expect(error?.kind == .generic)
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("hash commands on a key of another type fail with WRONGTYPE")
    func wrongType() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        try await connection.set(key, to: "string")
        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await connection.hashSet(key, fields: ["f": "v"]) },
            { _ = try await connection.hashGet(key, field: "f") },
            { _ = try await connection.hashGet(key, fields: ["f"]) },
            { _ = try await connection.hashGetAll(key) },
            { _ = try await connection.hashDelete(key, fields: ["f"]) },
            { _ = try await connection.hashIncrement(key, field: "f") },
            { _ = try await connection.hashFieldExists(key, field: "f") },
            { _ = try await connection.hashLength(key) },
        ]
        for call in calls {
            let error = await #expect(throws: RedisServerError.self) { try await call() }
            #expect(error?.kind == .wrongType)
        }
        try await connection.delete(key)
        try await connection.close()
    }
}
