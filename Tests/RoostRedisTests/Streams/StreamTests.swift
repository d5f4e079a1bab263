import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Streams against redis-server", .requires(.redis))
struct StreamTests {
    @Test("XADD with ids, trimming and NOMKSTREAM; XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XINFO", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func basics(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = protocolVersion }
        let key = uniqueKey()
        #expect(try await connection.streamAdd(key, fields: ["a": "1"], createStream: false) == nil)
        #expect(try await connection.streamLength(key) == 0)
        #expect(try await connection.streamAdd(key, id: "1-1", fields: ["type": "signup", "user": 42]) == "1-1")
        let bytes = ByteBuffer(bytes: [0, 255])
        #expect(try await connection.streamAdd(key, id: "2-0", fieldList: [("blob", .bytes(bytes))]) == "2-0")
        let auto = try #require(try await connection.streamAdd(key, fields: ["n": 3]))
        #expect(try await connection.streamLength(key) == 3)

        let all = try await connection.streamRange(key)
        #expect(all.map(\.id) == ["1-1", "2-0", auto])
        #expect(all[0][string: "type"] == "signup")
        #expect(all[0][string: "user"] == "42")
        #expect(all[1].fields["blob"] == bytes)
        #expect(try await connection.streamRange(key, from: "(1-1", count: 1).map(\.id) == ["2-0"])
        #expect(try await connection.streamRange(key, reversed: true, count: 2).map(\.id) == [auto, "2-0"])

        let info = try await connection.streamInfo(key)
        #expect(info.length == 3)
        #expect(info.groups == 0)
        #expect(info.lastGeneratedID == auto)
        #expect(info.firstEntry?.id == "1-1")
        #expect(info.lastEntry?.id == auto)

        #expect(try await connection.streamDelete(key, ids: ["2-0", "9-9"]) == 1)
        for index in 0..<20 { try await connection.streamAdd(key, fields: ["i": .integer(Int64(index))], trim: .maxLength(5, approximate: false)) }
        #expect(try await connection.streamLength(key) == 5)
        #expect(try await connection.streamTrim(key, .maxLength(2, approximate: false)) == 3)
        let remaining = try await connection.streamRange(key)
        #expect(try await connection.streamTrim(key, .minID(remaining[1].id, approximate: false)) == 1)
        #expect(try await connection.streamLength(key) == 1)

        let error = await #expect(throws: RedisServerError.self) {
            try await connection.streamAdd(key, id: "0-1", fields: ["late": 1])
        }
        #expect(error?.kind == .generic)
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("XREAD returns new entries; a blocking read waits for another client's XADD or times out")
    func read() async throws {
        let reader = try await connectToTestServer()
        let writer = try await connectToTestServer()
        let key = uniqueKey()
        let first = try #require(try await writer.streamAdd(key, fields: ["n": 1]))
        let existing = try await reader.streamRead([key: "0"])
        #expect(existing[key]?.map(\.id) == [first])
        #expect(try await reader.streamRead([key: first]).isEmpty)
        #expect(try await reader.streamRead([key: first], block: .milliseconds(50)).isEmpty, "timed out")

        // Reading after the last id, not "$": an entry added before the read blocks still counts.
        async let blocked = reader.streamRead([key: first], count: 10, block: .seconds(10))
        let second = try #require(try await writer.streamAdd(key, fields: ["n": 2]))
        #expect(try await blocked[key]?.map(\.id) == [second])
        try await writer.delete(key)
        try await reader.close()
        try await writer.close()
    }

    @Test("groups: create, read, acknowledge, pending, claim, autoclaim, consumers, destroy", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func groups(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = protocolVersion }
        let key = uniqueKey()
        try await connection.streamCreateGroup(key, group: "g", startingAfter: "0", createStream: true)
        let busy = await #expect(throws: RedisServerError.self) {
            try await connection.streamCreateGroup(key, group: "g")
        }
        #expect(busy?.kind == .busyGroup)
        for index in 1...4 { try await connection.streamAdd(key, id: "\(index)-0", fields: ["n": .integer(Int64(index))]) }

        #expect(try await connection.streamCreateConsumer(key, group: "g", consumer: "idle"))
        let batch = try await connection.streamReadGroup(group: "g", consumer: "c1", streams: [key: ">"], count: 3)
        #expect(batch[key]?.map(\.id) == ["1-0", "2-0", "3-0"])
        #expect(try await connection.streamAcknowledge(key, group: "g", ids: ["1-0"]) == 1)

        let summary = try await connection.streamPending(key, group: "g")
        #expect(summary.count == 2)
        #expect(summary.smallestID == "2-0")
        #expect(summary.greatestID == "3-0")
        #expect(summary.consumers == ["c1": 2])
        let pending = try await connection.streamPending(key, group: "g", count: 10, consumer: "c1")
        #expect(pending.map(\.id) == ["2-0", "3-0"])
        #expect(pending.allSatisfy { $0.deliveries == 1 && $0.consumer == "c1" })
        #expect(try await connection.streamPending(key, group: "g", count: 10, minIdle: .seconds(3600)).isEmpty)

        // Re-reading own pending entries, then NOACK for the last one.
        let again = try await connection.streamReadGroup(group: "g", consumer: "c1", streams: [key: "0"])
        #expect(again[key]?.map(\.id) == ["2-0", "3-0"])
        let noAck = try await connection.streamReadGroup(group: "g", consumer: "c2", streams: [key: ">"], noAck: true)
        #expect(noAck[key]?.map(\.id) == ["4-0"])
        #expect(try await connection.streamPending(key, group: "g").count == 2)

        let claimed = try await connection.streamClaim(key, group: "g", consumer: "c2", minIdle: .zero, ids: ["2-0"])
        #expect(claimed.map(\.id) == ["2-0"])
        #expect(claimed.first?[string: "n"] == "2")
        try await connection.streamDelete(key, ids: ["3-0"])
        let auto = try await connection.streamAutoClaim(key, group: "g", consumer: "c3", minIdle: .zero, count: 10)
        #expect(auto.nextStart == "0-0")
        #expect(auto.entries.map(\.id) == ["2-0"])
        #expect(auto.deletedIDs == ["3-0"])
        #expect(try await connection.streamPending(key, group: "g").consumers == ["c3": 1])

        let groups = try await connection.streamGroups(key)
        #expect(groups.map(\.name) == ["g"])
        #expect(groups.first?.pending == 1)
        #expect(groups.first?.lastDeliveredID == "4-0")
        #expect(groups.first?.consumers == 4)
        #expect(try await connection.streamDeleteConsumer(key, group: "g", consumer: "c3") == 1)
        #expect(try await connection.streamDestroyGroup(key, group: "g"))
        #expect(try await connection.streamDestroyGroup(key, group: "g") == false)
        #expect(try await connection.streamInfo(key).groups == 0)

        let missing = await #expect(throws: RedisServerError.self) {
            try await connection.streamReadGroup(group: "nope", consumer: "c", streams: [key: ">"])
        }
        #expect(missing?.kind == RedisServerError.Kind(prefix: "NOGROUP"))
        try await connection.delete(key)
        try await connection.close()
    }
}
