import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("Server commands, JSON and key prefix against redis-server", .requires(.redis))
struct ServerCommandTests {
    @Test("ECHO, TIME as a date with microseconds, INFO parsed into sections", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func serverCommands(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let connection = try await connectToTestServer { $0.protocolVersion = protocolVersion }
        #expect(try await connection.echo(.bytes(ByteBuffer(bytes: [0, 10, 13]))) == ByteBuffer(bytes: [0, 10, 13]))
        let time = try await connection.time()
        #expect((0..<1_000_000).contains(time.microseconds))
        #expect(abs(time.date.timeIntervalSinceNow) < 60, "the server runs on this machine")
        #expect(time.microsecondsSinceEpoch / 1_000_000 == time.seconds)
        let info = try await connection.info()
        #expect(info["server", "redis_version"]?.first?.isNumber == true)
        #expect(info["Clients", "connected_clients"].flatMap { Int($0) } ?? 0 >= 1)
        #expect(info.sections.keys.contains("memory"))
        let server = try await connection.info("server")
        #expect(server.sections.keys.sorted() == ["server"])
        try await connection.close()
    }

    @Test("INFO text parses into sections even with blank lines and values containing colons")
    func infoParsing() {
        let info = RedisServerInfo(parsing: "# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n")
        #expect(info["server", "redis_version"] == "7.0.15")
        #expect(info["keyspace", "db0"] == "keys=1,expires=0")
        #expect(info["server", "missing"] == nil)
    }

    struct Profile: Codable, Equatable {
        var name: String
        var tags: [String]
    }

    @Test("Codable values round-trip as JSON; a non-JSON value fails with redis.json.decode")
    func json() async throws {
        let connection = try await connectToTestServer()
        let key = uniqueKey()
        let profile = Profile(name: "Ada", tags: ["math", "engines"])
        #expect(try await connection.setJSON(key, to: profile, expiration: .seconds(60)))
        #expect(try await connection.getJSON(key, as: Profile.self) == profile)
        #expect(try await connection.setJSON(key, to: profile, condition: .ifNotExists) == false)
        #expect(try await connection.getJSON(uniqueKey("missing"), as: Profile.self) == nil)
        try await connection.set(key, to: "not json")
        let error = await #expect(throws: RedisJSONError.self) { try await connection.getJSON(key, as: Profile.self) }
        #expect(error?.code.rawValue == "redis.json.decode")
        let encodeError = await #expect(throws: RedisJSONError.self) {
            try await connection.setJSON(key, to: Double.nan)
        }
        #expect(encodeError?.code.rawValue == "redis.json.encode")
        try await connection.delete(key)
        try await connection.close()
    }

    @Test("a key prefix applies to typed commands and is removed from keys the server returns")
    func keyPrefix() async throws {
        let prefix = "\(uniqueKey("prefix")):"
        let prefixed = try await connectToTestServer { $0.keyPrefix = prefix }
        let plain = try await connectToTestServer()
        try await prefixed.set("a", to: "1")
        #expect(try await plain.getString("\(prefix)a") == "1")
        #expect(try await prefixed.getString("a") == "1")
        try await prefixed.hashSet("h", fields: ["f": "v"])
        try await prefixed.push(["x"], to: "list", at: .right)
        try await prefixed.streamAdd("stream", id: "1-0", fields: ["f": "v"])
        try await prefixed.setJSON("json", to: ["k": 1])
        var scanned: [String] = []
        for try await key in prefixed.scan() { scanned.append(key) }
        #expect(scanned.sorted() == ["a", "h", "json", "list", "stream"])
        #expect(try await prefixed.blockingPop(from: ["list"], at: .left, timeout: .seconds(1))?.key == "list")
        #expect(try await prefixed.streamRead(["stream": "0"]).keys.sorted() == ["stream"])
        #expect(try await prefixed.rename("a", to: "b"))
        #expect(try await plain.exists("\(prefix)b"))
        let result = try await prefixed.transaction(watching: ["b"]) { tx in tx.increment("b") }
        #expect(try result[result.queued] == 2)
        #expect(try await prefixed.send(RedisCommand("GET", prefixed.prefixed("b"))).string == "2")
        #expect(try await prefixed.delete("b", "h", "json", "stream") == 4)
        #expect(try await plain.countExisting(["\(prefix)b", "\(prefix)h"]) == 0)
        try await prefixed.close()
        try await plain.close()
    }
}
