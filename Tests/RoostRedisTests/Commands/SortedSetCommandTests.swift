import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Sorted set commands against redis-server", .requires(.redis))
struct SortedSetCommandTests {
    private func names(_ buffers: [ByteBuffer]) -> [String] { buffers.map { String(buffer: $0) } }

    @Test("ZADD with NX, XX, GT, LT and CH; ZSCORE, ZINCRBY, ZREM, ZCARD")
    func addAndScore() async throws {
        let connection = try await connectToTestServer()
        let (key, missing) = (uniqueKey(), uniqueKey("missing"))
        #expect(try await connection.sortedSetAdd([("a", 1), ("b", 2)], to: key) == 2)
        #expect(try await connection.sortedSetAdd([], to: key) == 0)
        #expect(try await connection.sortedSetAdd([("a", 10), ("c", 3)], to: key, condition: .onlyNew) == 1)
        #expect(try await connection.sortedSetScore(key, member: "a") == 1)
        let updated = try await connection.sortedSetAdd(
            [("a", 5), ("d", 4)], to: key, condition: .onlyExisting, countChanged: true)
        #expect(updated == 1)
        #expect(try await connection.sortedSetScore(key, member: "a") == 5)
        #expect(try await connection.sortedSetScore(key, member: "d") == nil)
        #expect(try await connection.sortedSetAdd([("a", 4)], to: key, condition: .ifGreater, countChanged: true) == 0)
        #expect(try await connection.sortedSetAdd([("a", 7)], to: key, condition: .ifGreater, countChanged: true) == 1)
        #expect(try await connection.sortedSetAdd([("a", 8)], to: key, condition: .ifLess, countChanged: true) == 0)
        #expect(try await connection.sortedSetAdd([("a", 0.5)], to: key, condition: .ifLess) == 0)
        #expect(try await connection.sortedSetScore(key, member: "a") == 0.5)
        #expect(try await connection.sortedSetIncrement(key, member: "a", by: 2.25) == 2.75)
        #expect(try await connection.sortedSetIncrement(key, member: "new", by: -1) == -1)
        #expect(try await connection.sortedSetScore(missing, member: "a") == nil)
        #expect(try await connection.sortedSetCount(key) == 4)
        #expect(try await connection.sortedSetRemove(["new", "zzz"], from: key) == 1)
        #expect(try await connection.sortedSetRemove([], from: key) == 0)
        #expect(try await connection.sortedSetCount(key) == 3)
        #expect(try await connection.sortedSetCount(missing) == 0)
        let error = await #expect(throws: RedisServerError.self) {
            try await connection.sortedSetAdd([("x", .nan)], to: key)
        }
        #expect(error?.kind == .generic)
        try await connection.delete(key)
        try await connection.close()
    }

    @Test(
        "ZRANGE by rank, score and lex, reversed, limited, with scores, over RESP3 and RESP2",
        arguments: [RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2])
    func ranges(version: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = version }
        let (key, words, missing) = (uniqueKey("scores"), uniqueKey("words"), uniqueKey("missing"))
        try await connection.sortedSetAdd([("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", .infinity)], to: key)
        #expect(names(try await connection.sortedSetRange(key, .rank(0, 1))) == ["a", "b"])
        #expect(names(try await connection.sortedSetRange(key, .rank(0, 1), reversed: true)) == ["e", "d"])
        #expect(names(try await connection.sortedSetRange(key, .rank(-2, -1))) == ["d", "e"])
        #expect(names(try await connection.sortedSetRange(key, .score(.exclusive(1), .inclusive(3)))) == ["b", "c"])
        #expect(
            names(try await connection.sortedSetRange(key, .score(.inclusive(2), .positiveInfinity), reversed: true))
                == ["e", "d", "c", "b"])
        #expect(
            names(try await connection.sortedSetRange(key, .score(.negativeInfinity, .positiveInfinity), limit: (1, 2)))
                == ["b", "c"])
        #expect(try await connection.sortedSetRange(key, .score(.exclusive(4), .exclusive(.infinity))).isEmpty)
        #expect(try await connection.sortedSetRange(missing, .rank(0, -1)).isEmpty)

        let scored = try await connection.sortedSetRangeWithScores(key, .rank(2, -1))
        #expect(scored.map(\.memberString) == ["c", "d", "e"])
        #expect(scored.map(\.score) == [3, 4, .infinity])
        let reversed = try await connection.sortedSetRangeWithScores(
            key, .score(.inclusive(1), .inclusive(2)), reversed: true)
        #expect(reversed == [
            RedisScoredMember(member: ByteBuffer(string: "b"), score: 2),
            RedisScoredMember(member: ByteBuffer(string: "a"), score: 1),
        ])
        #expect(try await connection.sortedSetRangeWithScores(missing, .rank(0, -1)).isEmpty)

        try await connection.sortedSetAdd([("apple", 0), ("banana", 0), ("cherry", 0), ("date", 0)], to: words)
        let middle = try await connection.sortedSetRange(words, .lex(.inclusive("b"), .exclusive("d")))
        #expect(names(middle) == ["banana", "cherry"])
        let lastTwo = try await connection.sortedSetRange(words, .lex(.minimum, .maximum), reversed: true, limit: (0, 2))
        #expect(names(lastTwo) == ["date", "cherry"])
        #expect(names(try await connection.sortedSetRange(words, .lex(.exclusive("cherry"), .maximum))) == ["date"])

        let limitError = await #expect(throws: RedisServerError.self) {
            try await connection.sortedSetRange(key, .rank(0, 1), limit: (0, 1))
        }
        #expect(limitError?.kind == .generic)
        let lexScoresError = await #expect(throws: RedisServerError.self) {
            try await connection.sortedSetRangeWithScores(words, .lex(.minimum, .maximum))
        }
        #expect(lexScoresError?.kind == .generic)
        try await connection.delete(key, words)
        try await connection.close()
    }

    @Test(
        "ZPOPMIN pops the lowest scores first and nothing from a missing key, over RESP3 and RESP2",
        arguments: [RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2])
    func popMin(version: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = version }
        let key = uniqueKey()
        try await connection.sortedSetAdd([("c", 3), ("a", 1), ("b", 2)], to: key)
        let first = try await connection.sortedSetPopMin(key)
        #expect(first.map(\.memberString) == ["a"])
        #expect(first.map(\.score) == [1])
        let rest = try await connection.sortedSetPopMin(key, count: 5)
        #expect(rest.map(\.memberString) == ["b", "c"])
        #expect(rest.map(\.score) == [2, 3])
        #expect(try await connection.sortedSetPopMin(key).isEmpty)
        try await connection.close()
    }

    @Test("sorted set commands on a key of another type fail with WRONGTYPE")
    func wrongType() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        try await connection.set(key, to: "string")
        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await connection.sortedSetAdd([("m", 1)], to: key) },
            { _ = try await connection.sortedSetRange(key, .rank(0, -1)) },
            { _ = try await connection.sortedSetRangeWithScores(key, .score(.negativeInfinity, .positiveInfinity)) },
            { _ = try await connection.sortedSetIncrement(key, member: "m", by: 1) },
            { _ = try await connection.sortedSetPopMin(key) },
            { _ = try await connection.sortedSetScore(key, member: "m") },
            { _ = try await connection.sortedSetRemove(["m"], from: key) },
            { _ = try await connection.sortedSetCount(key) },
        ]
        for call in calls {
            let error = await #expect(throws: RedisServerError.self) { try await call() }
            #expect(error?.kind == .wrongType)
        }
        try await connection.delete(key)
        try await connection.close()
    }
}
