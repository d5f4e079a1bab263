import NIOCore
import Testing

@testable import RoostRedis

@Suite("Command encoder")
struct RedisCommandTests {
    private func wire(_ command: RedisCommand) -> String {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        return String(buffer: buffer)
    }

    @Test("commands are arrays of bulk strings")
    func arrayOfBulkStrings() {
        #expect(wire(RedisCommand("PING")) == "*1\r\n$4\r\nPING\r\n")
        #expect(wire(RedisCommand("SET", "key", "héllo")) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nhéllo\r\n")
        #expect(wire(RedisCommand("GET", "")) == "*2\r\n$3\r\nGET\r\n$0\r\n\r\n")
    }

    @Test("integers are written in decimal", arguments: [
        (Int64(0), "0"), (7, "7"), (10, "10"), (-1, "-1"), (1234567890, "1234567890"),
        (.max, "9223372036854775807"), (.min, "-9223372036854775808"),
    ])
    func integers(value: Int64, text: String) {
        #expect(wire(RedisCommand("X", .integer(value))) == "*2\r\n$1\r\nX\r\n$\(text.count)\r\n\(text)\r\n")
    }

    @Test("doubles, including infinities")
    func doubles() {
        #expect(wire(RedisCommand("X", 1.5)) == "*2\r\n$1\r\nX\r\n$3\r\n1.5\r\n")
        #expect(wire(RedisCommand("X", .double(.infinity), .double(-.infinity))) == "*3\r\n$1\r\nX\r\n$3\r\ninf\r\n$4\r\n-inf\r\n")
    }

    @Test("binary arguments are written unchanged")
    func bytes() {
        var buffer = ByteBuffer()
        RedisCommand("SET", "k", .bytes(ByteBuffer(bytes: [0, 13, 10, 255]))).encode(into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10])
    }

    @Test("a command written in one pass equals its header and arguments written one by one, also after other commands")
    func onePassEqualsEach() {
        let large = String(repeating: "é", count: 40_000)
        let commands = [
            RedisCommand("SET", "k", .string(large), "PX", 500),
            RedisCommand("HSET", "h", .bytes(ByteBuffer(bytes: [0, 255])), .integer(-12)),
            RedisCommand("ZADD", "z", 1.5, "m"),  // a double, formatted as text
            RedisCommand("PING"),
        ]
        var onePass = ByteBuffer()
        var each = ByteBuffer()
        for command in commands {
            command.encode(into: &onePass)
            each.writeString("*\(command.arguments.count + 1)\r\n")
            RedisArgument.string(command.name).encode(into: &each)
            for argument in command.arguments { argument.encode(into: &each) }
        }
        #expect(onePass == each)
        #expect(onePass.readableBytes > 80_000)
    }

    @Test("an encoded command decodes back to the same strings")
    func roundTrip() throws {
        let command = RedisCommand("HSET", "h", "field", 42, .bytes(ByteBuffer(string: "v")))
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        var decoder = RESPDecoder()
        let value = try #require(try decoder.decode(buffer: &buffer))
        #expect(value.array?.compactMap(\.string) == ["HSET", "h", "field", "42", "v"])
    }

    @Test("credentials are redacted from descriptions")
    func redaction() {
        #expect(RedisCommand("AUTH", "user", "secret").description == "AUTH <redacted> <redacted>")
        #expect(RedisCommand("HELLO", 3, "AUTH", "u", "p").description == "HELLO 3 AUTH <redacted> <redacted>")
        #expect(RedisCommand("GET", "k").description == "GET k")
    }
}
