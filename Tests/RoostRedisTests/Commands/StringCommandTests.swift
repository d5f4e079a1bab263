import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("String commands against redis-server", .requires(.redis))
struct StringCommandTests {
    @Test("MGET/MSET/MSETNX, INCRBY/DECRBY/INCRBYFLOAT, APPEND, STRLEN, GETDEL, GETEX")
    func family() async throws {
        let connection = try await connectToTestServer()
        let (a, b, c) = (uniqueKey("a"), uniqueKey("b"), uniqueKey("c"))
        #expect(try await connection.set([a: "1", b: .bytes(ByteBuffer(bytes: [0, 1]))]))
        #expect(try await connection.get([a, c, b]) == [ByteBuffer(string: "1"), nil, ByteBuffer(bytes: [0, 1])])
        #expect(try await connection.get([]) == [])
        #expect(try await connection.set([a: "x", c: "y"], onlyIfNoneExist: true) == false)
        #expect(try await connection.get(c) == nil)
        #expect(try await connection.increment(a, by: 41) == 42)
        #expect(try await connection.decrement(a, by: 2) == 40)
        #expect(try await connection.decrement(a) == 39)
        #expect(try await connection.increment(a, byFloat: 0.5) == 39.5)
        let wrongType = await #expect(throws: RedisServerError.self) { try await connection.increment(b, by: 1) }
        #expect(wrongType?.kind == .generic)
        #expect(try await connection.append("!", to: c) == 1)
        #expect(try await connection.append("?", to: c) == 2)
        #expect(try await connection.stringLength(c) == 2)
        #expect(try await connection.getAndDelete(c) == ByteBuffer(string: "!?"))
        #expect(try await connection.getAndDelete(c) == nil)
        #expect(try await connection.getAndExpire(a, expiration: .seconds(100)) == ByteBuffer(string: "39.5"))
        guard case .expires(let left) = try await connection.timeToLive(a) else {
            Issue.record("GETEX set no expiry")
            return
        }
        #expect(left <= .seconds(100))
        #expect(try await connection.getAndExpire(a, expiration: nil, persist: true) != nil)
        #expect(try await connection.timeToLive(a) == .noExpiry)
        try await connection.delete(a, b)
        try await connection.close()
    }
}
