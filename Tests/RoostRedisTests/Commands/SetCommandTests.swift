import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Set commands against redis-server", .requires(.redis))
struct SetCommandTests {
    @Test(
        "SADD, SREM, SMEMBERS, SISMEMBER, SCARD over RESP3 and RESP2",
        arguments: [RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2])
    func roundTrip(version: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = version }
        let (key, missing) = (uniqueKey(), uniqueKey("missing"))
        #expect(try await connection.setAdd(["a", "b", "a"], to: key) == 2)
        #expect(try await connection.setAdd(["b", "c", .bytes(ByteBuffer(bytes: [0, 255]))], to: key) == 2)
        #expect(try await connection.setAdd([], to: key) == 0)
        #expect(try await connection.setCount(key) == 4)
        #expect(try await connection.setContains(key, member: "c"))
        #expect(try await connection.setContains(key, member: .bytes(ByteBuffer(bytes: [0, 255]))))
        #expect(try await connection.setContains(key, member: "z") == false)
        #expect(try await connection.setContains(missing, member: "a") == false)
        #expect(try await connection.setRemove([.bytes(ByteBuffer(bytes: [0, 255])), "z"], from: key) == 1)
        #expect(try await connection.setRemove([], from: key) == 0)
        #expect(try await connection.setMemberStrings(key) == ["a", "b", "c"])
        #expect(try await connection.setMembers(key).count == 3)
        #expect(try await connection.setMembers(missing).isEmpty)
        #expect(try await connection.setCount(missing) == 0)
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("set commands on a key of another type fail with WRONGTYPE")
    func wrongType() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        try await connection.set(key, to: "string")
        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await connection.setAdd(["m"], to: key) },
            { _ = try await connection.setRemove(["m"], from: key) },
            { _ = try await connection.setMembers(key) },
            { _ = try await connection.setContains(key, member: "m") },
            { _ = try await connection.setCount(key) },
        ]
        for call in calls {
            let error = await #expect(throws: RedisServerError.self) { try await call() }
            #expect(error?.kind == .wrongType)
        }
        try await connection.delete(key)
        try await connection.close()
    }
}
