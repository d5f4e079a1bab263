import NIOCore
import Testing

@testable import RoostRedis

private func bulk(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }
private func simple(_ string: String) -> RESPValue { .simpleString(ByteBuffer(string: string)) }

/// Wire bytes and the value they decode to, covering every RESP2 and RESP3 type.
let respSamples: [(wire: String, value: RESPValue)] = [
    ("+OK\r\n", simple("OK")),
    ("+\r\n", simple("")),
    ("-ERR unknown command\r\n", .simpleError(ByteBuffer(string: "ERR unknown command"))),
    (":0\r\n", .integer(0)),
    (":-42\r\n", .integer(-42)),
    (":+7\r\n", .integer(7)),
    (":9223372036854775807\r\n", .integer(.max)),
    (":-9223372036854775808\r\n", .integer(.min)),
    ("$5\r\nhello\r\n", bulk("hello")),
    ("$0\r\n\r\n", bulk("")),
    ("$4\r\na\r\nb\r\n", bulk("a\r\nb")),
    ("$-1\r\n", .null),
    ("*-1\r\n", .null),
    ("_\r\n", .null),
    ("*0\r\n", .array([])),
    ("*2\r\n$3\r\nfoo\r\n:1\r\n", .array([bulk("foo"), .integer(1)])),
    ("*2\r\n*1\r\n+a\r\n*0\r\n", .array([.array([simple("a")]), .array([])])),
    ("*3\r\n$1\r\nx\r\n$-1\r\n_\r\n", .array([bulk("x"), .null, .null])),
    ("#t\r\n", .boolean(true)),
    ("#f\r\n", .boolean(false)),
    (",3.25\r\n", .double(3.25)),
    (",-1.5e3\r\n", .double(-1500)),
    (",10\r\n", .double(10)),
    (",inf\r\n", .double(.infinity)),
    (",-inf\r\n", .double(-.infinity)),
    ("(3492890328409238509324850943850943825024385\r\n",
     .bigNumber(ByteBuffer(string: "3492890328409238509324850943850943825024385"))),
    ("(-12\r\n", .bigNumber(ByteBuffer(string: "-12"))),
    ("!21\r\nSYNTAX invalid syntax\r\n", .bulkError(ByteBuffer(string: "SYNTAX invalid syntax"))),
    ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", ByteBuffer(string: "Some string"))),
    ("=4\r\nmkd:\r\n", .verbatimString(format: "mkd", ByteBuffer())),
    ("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
     .map([.init(key: simple("first"), value: .integer(1)), .init(key: simple("second"), value: .integer(2))])),
    ("%0\r\n", .map([])),
    ("~3\r\n+a\r\n:1\r\n#t\r\n", .set([simple("a"), .integer(1), .boolean(true)])),
    (">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", .push([bulk("message"), bulk("ch"), bulk("hi")])),
    ("|1\r\n+ttl\r\n:3600\r\n$3\r\nval\r\n",
     .attributed(attributes: [.init(key: simple("ttl"), value: .integer(3600))], value: bulk("val"))),
    ("*2\r\n|1\r\n+a\r\n:1\r\n:2\r\n:3\r\n",
     .array([.attributed(attributes: [.init(key: simple("a"), value: .integer(1))], value: .integer(2)), .integer(3)])),
    ("|0\r\n:5\r\n", .attributed(attributes: [], value: .integer(5))),
    ("%1\r\n*1\r\n:1\r\n~1\r\n%1\r\n_\r\n,nan\r\n",
     .map([.init(key: .array([.integer(1)]), value: .set([.map([.init(key: .null, value: .double(.nan))])]))])),
]

private func decodeAll(_ wire: String, limits: RESPDecoderLimits = RESPDecoderLimits()) throws -> [RESPValue] {
    var decoder = RESPDecoder(limits: limits)
    var buffer = ByteBuffer(string: wire)
    var values: [RESPValue] = []
    while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
    #expect(buffer.readableBytes == 0)
    return values
}

/// `nan` is not equal to itself; compare its description instead.
private func same(_ a: RESPValue, _ b: RESPValue) -> Bool { a == b || "\(a)" == "\(b)" }

@Suite("RESP decoder")
struct RESPDecoderTests {
    @Test("decodes every type", arguments: 0..<respSamples.count)
    func decodesEveryType(index: Int) throws {
        let sample = respSamples[index]
        let values = try decodeAll(sample.wire)
        #expect(values.count == 1)
        #expect(same(values[0], sample.value), "\(sample.wire.debugDescription)")
    }

    @Test("nan and inf doubles")
    func specialDoubles() throws {
        #expect(try decodeAll(",nan\r\n").first?.double?.isNaN == true)
        #expect(try decodeAll(",-inf\r\n").first?.double == -.infinity)
    }

    @Test("split at every byte offset, the value appears only once complete", arguments: 0..<respSamples.count)
    func splitAtEveryOffset(index: Int) throws {
        let wire = Array(respSamples[index].wire.utf8)
        for split in 0...wire.count {
            var decoder = RESPDecoder()
            var buffer = ByteBuffer(bytes: wire[..<split])
            if split < wire.count {
                #expect(try decoder.decode(buffer: &buffer) == nil)
                #expect(buffer.readableBytes == split)
                buffer.writeBytes(wire[split...])
            }
            let value = try #require(try decoder.decode(buffer: &buffer))
            #expect(same(value, respSamples[index].value), "split at \(split)")
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test("all samples back to back, fed one byte at a time")
    func byteByByte() throws {
        let wire = Array(respSamples.map(\.wire).joined().utf8)
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for byte in wire {
            buffer.writeInteger(byte)
            while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
            buffer.discardReadBytes()
        }
        #expect(values.count == respSamples.count)
        for (value, sample) in zip(values, respSamples) { #expect(same(value, sample.value)) }
    }

    @Test("bulk strings are slices of the receive buffer")
    func zeroCopy() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*1\r\n$5\r\nhello\r\n")
        let base = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let value = try #require(try decoder.decode(buffer: &buffer))
        let slice = try #require(value.array?.first?.bytes)
        let sliceBase = slice.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(sliceBase == base + 8)
    }

    static let malformed: [String] = [
        "?what\r\n",  // unknown type
        "+OK\rX",  // CR without LF
        "+O\nK\r\n",  // bare LF
        ":\r\n", ":12a\r\n", ":-\r\n", ":99999999999999999999\r\n",
        "$abc\r\n", "$-2\r\n", "$3\r\nabcde\r\n",  // payload longer than announced
        "*-2\r\n", "~-1\r\n", "%-1\r\n", ">-1\r\n", "*x\r\n",
        "#x\r\n", "#tt\r\n", "_x\r\n", ",\r\n", ",1.2.3\r\n", ",abc\r\n", "(\r\n", "(12x\r\n",
        "=3\r\ntxt\r\n", "=5\r\ntxtx:\r\n", "!-1\r\n",
        "*1\r\n?\r\n",
    ]

    @Test("malformed input throws redis.protocol.malformed", arguments: malformed)
    func malformedInput(wire: String) {
        let error = #expect(throws: RedisProtocolError.self, "\(wire.debugDescription)") { _ = try decodeAll(wire) }
        #expect(error?.code.rawValue == "redis.protocol.malformed")
    }

    private func expectTooLarge(_ wire: String, limits: RESPDecoderLimits = RESPDecoderLimits()) {
        let error = #expect(throws: RedisProtocolError.self, "\(wire.debugDescription)") {
            _ = try decodeAll(wire, limits: limits)
        }
        #expect(error?.code.rawValue == "redis.protocol.too_large")
    }

    @Test("a bulk length above the limit fails before its bytes arrive")
    func hostileBulkLength() throws {
        for wire in ["$536870913\r\n", "$9223372036854775807\r\n", "!999999999999\r\n", "=600000000\r\n"] {
            expectTooLarge(wire)
        }
        var limits = RESPDecoderLimits()
        limits.maxBulkLength = 4
        #expect(try decodeAll("$4\r\nabcd\r\n", limits: limits) == [bulk("abcd")])
        expectTooLarge("$5\r\n", limits: limits)
    }

    @Test("an aggregate count above the limit fails")
    func hostileAggregateCount() throws {
        for wire in ["*16777217\r\n", "%9223372036854775807\r\n", "~99999999999\r\n", ">20000000\r\n", "|16777217\r\n"] {
            expectTooLarge(wire)
        }
        var limits = RESPDecoderLimits()
        limits.maxAggregateCount = 2
        #expect(try decodeAll("*2\r\n:1\r\n:2\r\n", limits: limits) == [.array([.integer(1), .integer(2)])])
        expectTooLarge("*3\r\n", limits: limits)
    }

    @Test("nesting deeper than the limit fails")
    func hostileDepth() throws {
        var limits = RESPDecoderLimits()
        limits.maxDepth = 3
        #expect(try decodeAll("*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits) == [.array([.array([.array([.integer(1)])])])])
        #expect(throws: RedisProtocolError(.tooLarge, "nesting deeper than the limit 3")) {
            _ = try decodeAll("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits)
        }
        // Far past the default, still without blowing the stack.
        #expect(throws: RedisProtocolError(.tooLarge, "nesting deeper than the limit 32")) {
            _ = try decodeAll(String(repeating: "*1\r\n", count: 100_000))
        }
    }

    @Test("a line without CRLF fails once longer than the limit")
    func hostileLine() throws {
        var limits = RESPDecoderLimits()
        limits.maxLineLength = 8
        #expect(try decodeAll("+12345678\r\n", limits: limits) == [simple("12345678")])
        var decoder = RESPDecoder(limits: limits)
        var buffer = ByteBuffer(string: "+12345678")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeString("9")
        #expect(throws: RedisProtocolError(.tooLarge, "line longer than the limit 8")) {
            _ = try decoder.decode(buffer: &buffer)
        }
    }

    @Test("an incomplete huge aggregate is scanned incrementally")
    func resumesScanning() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*3\r\n:1\r\n")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeString(":2\r\n:")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeString("3\r\n+next\r\n")
        #expect(try decoder.decode(buffer: &buffer) == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(try decoder.decode(buffer: &buffer) == simple("next"))
        #expect(try decoder.decode(buffer: &buffer) == nil)
    }

    @Test("accessors read through attributes and RESP2 strings")
    func accessors() throws {
        #expect(bulk("12").integer == 12)
        #expect(RESPValue.attributed(attributes: [], value: .integer(3)).integer == 3)
        #expect(simple("1.5").double == 1.5)
        #expect(RESPValue.set([.null]).array == [.null])
        #expect(RESPValue.bulkError(ByteBuffer(string: "E x")).errorMessage == "E x")
        #expect(RESPValue.null.isNull)
        #expect(RESPValue.integer(1).string == nil)
    }
}
